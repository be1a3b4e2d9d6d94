#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (committed; rerun after changing a seed here).

Seeds are valid inputs of each kind (both MCP eras, both SSE shapes, every backend answer of
shared/nemo-api.md, drafts, the bundled manifests) plus the hostile ones: 100,000 levels of
nesting and inputs past each size limit.
"""
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
DEEP = 100_000


def deep(n=DEEP):
    return "[" * n + "]" * n


def lines(*messages):
    return "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)


def write(target, name, data):
    folder = ROOT / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def rpc(id_, method, params=None, **extra):
    message = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    message.update(extra)
    return message


def note(method, params=None):
    message = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


MODERN = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientInfo": {"name": "seed", "version": "1"},
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/logLevel": "debug"}
INIT = rpc(1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                             "clientInfo": {"name": "seed", "version": "1"}})


def call(id_, tool, arguments, meta=None):
    params = {"name": tool, "arguments": arguments}
    if meta is not None:
        params["_meta"] = meta
    return rpc(id_, "tools/call", params)


def dispatcher():
    t = "dispatcher"
    write(t, "legacy-handshake", lines(
        INIT, note("notifications/initialized"), rpc(2, "tools/list"), rpc(3, "prompts/list"),
        rpc(4, "prompts/get", {"name": "example-1"}), rpc(5, "logging/setLevel", {"level": "debug"}),
        rpc("six", "ping"), call(7, "credits", {}, {"progressToken": 7})))
    write(t, "legacy-2024-tools", lines(
        rpc(1, "initialize", {"protocolVersion": "2024-11-05", "capabilities": {}}), note("notifications/initialized"),
        call(2, "create_session", {"task_name": "Summer promo", "language": "en"}),
        call(3, "chat", {"message": "generate a 10-second promo video with a title", "wait_seconds": 1}),
        call(4, "state", {}), call(5, "upload", {"paths": ["~/a.png"], "urls": ["https://example.com/a.mp4"]}),
        call(6, "export", {"quality": "low", "wait_seconds": 0}),
        note("notifications/cancelled", {"requestId": 6, "reason": "user"})))
    write(t, "modern-stateless", lines(
        rpc(1, "server/discover"), rpc(2, "tools/list", {"_meta": MODERN}),
        call(3, "credits", {}, dict(MODERN, progressToken="p3")),
        call(4, "chat", {"message": "credits"}, MODERN),
        call(5, "export", {"render_id": "render_1_x", "cancel": True}, MODERN),
        rpc(6, "ping", {"_meta": {"io.modelcontextprotocol/protocolVersion": "1999-01-01"}})))
    write(t, "protocol-errors",
          "{not json\n[1,2]\n" + lines(
              {"jsonrpc": "1.0", "id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 2},
              {"jsonrpc": "2.0", "id": 3, "method": 7}, {"jsonrpc": "2.0", "id": 4, "method": "ping", "params": 5},
              {"jsonrpc": "2.0", "id": 5.5, "method": "ping"}, {"jsonrpc": "2.0", "id": 6, "result": {}},
              rpc(7, "no/such/method"), INIT, rpc(1, "ping"), call(8, "nope", {}), call(9, "credits", []),
              call(10, "state", {"session_id": 5})) +
          "\r\n\r\n" + '{"jsonrpc":"2.0","id":11,"method":"ping"}\r\n' +
          '{"jsonrpc":"2.0","id":12,"method":"ping"}\x00{garbage\n')
    # Deep nesting in every place a message carries a value (issue 12, item 1).
    write(t, "deep-client-info",
          '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
          '"capabilities":{},"clientInfo":' + deep() + "}}\n")
    write(t, "deep-id", '{"jsonrpc":"2.0","id":' + deep() + ',"method":"ping"}\n')
    write(t, "deep-arguments", lines(INIT, note("notifications/initialized")) +
          '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"state","arguments":{"session_id":"s",'
          '"x":' + deep() + "}}}\n")
    write(t, "deep-cancel", '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":'
          + deep() + "}}\n")
    # Past the harness's 256 KiB line limit: answered and skipped, the next line still served.
    write(t, "huge-line", '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' + "a" * 300_000 + '"}}\n'
          + lines(rpc(2, "ping")))


def sse():
    t = "sse"  # first byte: chunk size (1 + byte % 32)
    adk = ('data: {"id":"e1","invocationId":"i1","author":"nemo","partial":true,"content":{"role":"model",'
           '"parts":[{"text":"Here is "}]}}\n\n'
           'data: {"id":"e2","partial":true,"content":{"role":"model","parts":[{"text":"your promo."}]}}\n\n'
           ':ping\n\n'
           'data: {"id":"e3","content":{"role":"model","parts":[{"functionCall":{"id":"c1","name":"generate_video",'
           '"args":{"duration":10}}}]}}\n\n'
           'data: {"id":"e4","content":{"role":"user","parts":[{"functionResponse":{"id":"c1","name":"generate_video",'
           '"response":{"ok":true}}}]}}\n\n'
           'data: {"id":"e5","partial":false,"content":{"role":"model","parts":[{"text":"Here is your promo."},'
           '{"text":"thinking...","thought":true}]}}\n\n')
    nemo = ('data: {"type":"text","content":"Adding "}\r\n\r\n'
            'data: {"type":"tool_call","name":"add_text","args":{"text":"Urban Dreams"}}\r\n\r\n'
            'data: {"type":"heartbeat"}\r\n\r\n'
            'data:\r\n\r\n'
            'data: {"type":"tool_result","name":"add_text","result":{"ok":true}}\r\n\r\n'
            'data: {"type":"text","content":"a title."}\r\n\r\n')
    write(t, "adk-stream", b"\x07" + adk.encode())
    write(t, "nemo-stream", b"\x00" + nemo.encode())
    write(t, "errors", b"\x03" + ('data: {"error":"quota"}\n\n'
                                  'data: {"errorCode":"1002","errorMessage":"session not found"}\n\n'
                                  'data: {"errorCode":2001}\n\n'
                                  'event: update\nid: 7\nretry: 1500\ndata: {"type":"text",\ndata: "content":"x"}\n\n'
                                  'data: not json\n\n\xef\xbb\xbfdata: cut').encode())
    write(t, "deep-event", b"\x1f" + ('data: {"content":{"role":"model","parts":[{"text":"x"}]},"extra":'
                                      + deep() + "}\n\n").encode())
    # One event past the harness's 4 KiB bound, then a line that never ends.
    write(t, "huge-event", b"\x05" + ("data: " + "y" * 10_000 + "\n\n" + "data: " + "z" * 10_000).encode())


BACKEND_SCENARIOS = ["token", "credits", "session", "upload-file", "upload-url", "state", "export-state",
                     "render-start", "render-status", "chat"]


def backend(scenario, name, body, status=0, chunk=0):
    """First byte: the scenario (fuzz/BackendAnswersFuzzer.cpp); second: status index and chunk size."""
    write("backend-answers", f"{scenario}-{name}",
          bytes([BACKEND_SCENARIOS.index(scenario), (chunk << 4) | status]) + body.encode())


STATE = {"code": 0, "data": {"state": {
    "draft": {"t": [{"tt": 0, "sg": [{"d": 10000, "m": {"name": "city timelapse", "width": 1920, "height": 1080}}]},
                    {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": 0.35}}]},
                    {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Urban Dreams"}}]}], "keep": {"x": [1, 2.50, "y"]}},
    "video_infos": [{"filename": "a.png", "file_type": "image", "cdn_url": "https://cdn/a.png"}],
    "generated_media": ["clip.mp4"], "canvas_config": {"width": 1920, "height": 1080, "aspect_ratio": "16:9"}}}}


def backend_answers():
    j = json.dumps
    backend("token", "ok", j({"code": 0, "data": {"token": "tok_0123456789abcdef", "user_id": "u1",
                                                  "expires_at": "2026-12-01T00:00:00Z", "credits": 100}}))
    backend("token", "rate-limited", j({"code": 429, "message": "one token per client a week"}), status=9)
    backend("token", "injected", j({"code": 0, "data": {"token": "abc\r\nX-Injected: yes"}}))
    backend("credits", "ok", j({"code": 0, "data": {"available": 42, "frozen": 8, "total": 50}}))
    backend("credits", "malformed", j({"code": 0, "data": "42"}))
    backend("credits", "wrong-types", '{"code":0,"data":{"available":"42","frozen":null,"total":1e400}}')
    backend("credits", "expired", j({"code": 1001, "message": "token expired"}), status=6)
    backend("credits", "deep", '{"code":0,"data":{"available":' + deep() + "}}")
    backend("session", "ok", j({"code": 0, "data": {"session_id": "sess_1", "task_id": "task_1", "user_id": "u1"}}))
    backend("session", "no-id", j({"code": 0, "data": {}}))
    backend("upload-file", "ok", j({"code": 0, "data": {"files": [
        {"filename": "a.png", "file_type": "image", "cdn_url": "https://cdn/a.png", "duration": 0, "width": 1,
         "height": 1, "fps": 0, "hash": "h"}]}}))
    backend("upload-file", "rejected", j({"code": 4001, "data": {"files": [{"filename": "a.png", "code": 4001,
                                                                          "message": "type"}]}}), status=5)
    backend("upload-url", "other-shape", j({"code": 0, "data": {"items": [{"name": "b.mp4"}], "errors": ["x"]}}))
    backend("state", "ok", j(STATE))
    backend("state", "draft-as-string", j({"code": 0, "data": {"draft": j(STATE["data"]["state"]["draft"])}}))
    backend("state", "session-gone", j({"code": 1002, "message": "session not found"}))
    backend("export-state", "ok", j(STATE))
    backend("export-state", "empty-draft", j({"code": 0, "data": {"state": {"draft": {"t": []}}}}))
    backend("export-state", "big-draft", j({"code": 0, "data": {"state": {"draft": {"t": [
        {"tt": i % 8, "sg": [{"d": 1000 * i, "m": {"name": f"track {i}", "volume": i / 100}}]} for i in range(1500)]}}}}))
    backend("render-start", "ok", j({"success": True, "data": {"id": "render_1", "status": "pending"}}))
    backend("render-start", "duplicate", j({"success": False, "error": "duplicate id"}), status=8)
    backend("render-start", "plan", j({"success": False, "code": 402, "message": "upgrade"}), status=7)
    backend("render-status", "completed", j({"success": True, "data": {"id": "render_1", "status": "completed",
                                                                       "progress": 100, "outputUrl": "https://cdn/v.mp4"}}))
    backend("render-status", "top-level", j({"status": "processing", "progress": 0.4, "output": {"url": ""}}))
    backend("render-status", "failed", j({"success": True, "data": {"status": "failed", "error": {"message": "x"}}}))
    backend("render-status", "deep", '{"success":true,"data":{"status":' + deep() + "}}")
    backend("chat", "nemo", 'data: {"type":"text","content":"Done."}\n\n', chunk=3)
    backend("chat", "silent-edit", 'data: {"type":"tool_call","name":"add_text","args":{}}\n\n')
    backend("chat", "json-error", j({"code": 1002, "message": "session not found"}), status=5)
    backend("chat", "stream-error", 'data: {"errorCode":"1002","errorMessage":"gone"}\n\n')


def draft():
    t = "draft"
    write(t, "three-tracks", json.dumps(STATE["data"]["state"]["draft"]))
    write(t, "state-answer-data", json.dumps(STATE["data"]))
    write(t, "odd-types", '{"t":[{"tt":"0","sg":{"d":1}},{"tt":1e308,"sg":[{"d":-5,"m":{"volume":1e300}}]},'
          '{"tt":7,"sg":[{"start":5000,"d":"x","m":{"text":["a"]}}]},null,5],"d":NaN}')
    write(t, "huge-numbers", '{"t":[{"tt":99999999999999999999,"sg":[{"d":1e400,"m":{"volume":-1e20,'
          '"width":3e9,"height":-3e9}}]}]}')
    write(t, "big", json.dumps({"t": [{"tt": i % 8, "sg": [{"d": 500 * j, "m": {"name": f"s{j}"}} for j in range(10)]}
                                     for i in range(100)]}))
    write(t, "deep", '{"t":[{"tt":0,"sg":[{"d":1,"m":' + deep() + "}]}]}")


def raw_json():
    t = "raw-json"
    write(t, "state-answer", json.dumps(STATE))
    write(t, "data-draft", '{"data" : {"draft" :{"t":[ ],"x":"}\\"{"} , "y":1}}')
    write(t, "escaped-keys", '{"d\\u0061ta":{"st\\u0061te":{"draft":[1,{"a":"]"}]}}}')
    write(t, "broken", '{"data":{"state":{"draft":{"t":[}}}')
    write(t, "deep", '{"data":{"state":{"draft":' + deep() + "}}}")
    write(t, "long-string", '{"data":{"draft":"' + "\\\"" * 50_000 + '"}}')


def skill_manifest():
    t = "skill-manifest"
    for folder in sorted((ROOT.parent / "manifests").iterdir()):
        shutil.copyfile(folder / "SKILL.md", ROOT / "corpus" / t / f"bundled-{folder.name}")
    write(t, "minimal", "---\nname: x\nversion: 1.0.0\n---\nbody\n")
    write(t, "deep-flow", "---\nname: x\nversion: 1.0.0\nlimits: " + deep() + "\n---\n")
    write(t, "anchors", "---\nname: &a x\nversion: *a\nlimits: {upload_max_mb: 1e400, formats: [*a, *a]}\n---\n")
    write(t, "no-end", "---\nname: x\n" + "description: " + "long " * 20_000)


if __name__ == "__main__":
    shutil.rmtree(ROOT / "corpus", ignore_errors=True)
    (ROOT / "corpus" / "skill-manifest").mkdir(parents=True)
    dispatcher()
    sse()
    backend_answers()
    draft()
    raw_json()
    skill_manifest()
