// nemo-test-backend: the fake NemoVideo cloud (shared/nemo-api.md) that the end-to-end tests run
// against, on loopback ports, with a control API to script failures, streams and renders.
//
// PROCESS
//   nemo-test-backend [--no-stdin]
//   Listens on 127.0.0.1 on two free ports (the API host, and a CDN host serving render outputs),
//   then prints one line to stdout: {"port":N,"cdn_port":M}. Exits on EOF of stdin (unless
//   --no-stdin), SIGTERM or SIGINT. Quiet unless NEMO_BACKEND_VERBOSE=1 (then every request and
//   the ports are logged to stderr).
//
// CONTROL API (on the API port; never logged, never checked for headers)
//   GET  /_test/requests     the request log: [{"id","host":"api"|"cdn","method","path",
//                            "query":{..},"headers":{lower-case name: value},"body_size",
//                            "content_type","body" (parsed, only JSON bodies < 64 KiB),
//                            "files":[{"field","filename","size"}],"status","time_ms"}]
//   POST /_test/reset        clears log, configuration and all state; ?only=log clears the log only
//   POST /_test/config       merges a JSON object of the keys below; answers the resulting config
//   GET  /_test/config       the configuration, pending failures and queued SSE turns
//   GET  /_test/state        sessions (draft, video_infos, turns), renders, tokens_issued,
//                            tokens_by_client
//
// CONFIG KEYS (POST /_test/config; a key set to null returns to its default)
//   fail: {endpoint: {"code":C,"http":H,"message":M,"times":N}}
//       The next N (default 1; -1 forever; 0 or null removes) requests to that endpoint answer
//       with code C, HTTP status H (default 200). With only "http", code = http. Envelope
//       {"code":C,"message":M,"data":null}, or {"success":false,"code":C,"error":M} for the
//       render endpoints (render_start, render_status, render_cancel, download). Endpoints:
//       anonymous_token create_session run_sse upload credits state render_start render_status
//       render_cancel download cdn (the CDN's /outputs/). Checked after attribution and token.
//       "raw_body": S sends S as text/html instead of the JSON envelope (a proxy's error page).
//   delay_ms: {endpoint: ms}   wait before answering (wakes early on shutdown); merged per key
//   sse_shape: "adk" (default) | "nemo"
//   sse_script: steps of the next /run_sse turn, or a list of such lists for several turns;
//       appended to a queue, one turn consumed per /run_sse ([] clears the queue). A step:
//       {"text":S,"chunks":N (N partial chunks; in ADK then a partial:false event repeating S
//        unless "final":false),"chunk_delay_ms":D,"tool":NAME,"args":{..},"result":{..}
//        (functionCall+functionResponse, or tool_call+tool_result),"heartbeat":true (nemo:
//        {"type":"heartbeat"}; adk: a ": heartbeat" comment line),"comment":true (": keep-alive"),
//        "empty_data":true ("data:" line),"delay_ms":D (before the step),"error":M ({"error":M}),
//        "cut":true (half an event, then the connection drops: an incomplete chunked transfer),
//        "edit":E (change the session's draft at that point; see sse_edit)}
//       Order inside a step: delay, heartbeat, comment, empty_data, tool, edit, text, error, cut.
//       Without a script: sse_default_turn if set, else one step {"text":"Sure — I added a title
//       \"<message>\"","chunks":3}.
//   sse_default_turn: steps used for every turn when the queue is empty (default null)
//   sse_delay_ms: pause between steps (default 0)
//   sse_edit: the edit applied at the end of a turn that has no step with "edit" and was not cut
//       (default "auto"). Edits: "auto" (empty draft -> the default draft plus a generated_media
//       entry; otherwise add a text track with the message), "default", "none"/false,
//       {"add_text":S}, {"add_bgm":S}, {"draft":{..}} (replace), {"clear":true}.
//   draft / video_infos / generated_media: with "session_id" set that session's state; without,
//       set it for every existing session, and ("draft") for sessions created later.
//   render_shape: "a" (default; {"success":true,"data":{"id","status","progress","outputUrl"}})
//       | "b" ({"success":true,"id","status","progress","output":{"url"}})
//   render_steps: statuses of successive polls, the last repeating (default ["pending","queued",
//       "processing","rendering","completed"]; progress 0..99 by position, 100 when completed)
//   render_fail_reason: a string: a final "completed" becomes "failed" with "error": reason
//   output_fail: true: the CDN answers 404 for outputs (use GET /api/render/proxy/<id>/download)
//   output_size: bytes of the fake MP4 output (default 65536)
//   static_token: a bearer token accepted besides the issued ones
//   revoke_tokens: true: every issued token becomes invalid (1001) from now on
//   auth_fail_http: HTTP status of a 1001 answer to a bad or missing token (default 401)
//   tokens_per_client: anonymous tokens one X-Client-Id may get, then 429 (default 1; 0 = no limit)
//   upload_max_bytes: files larger get 4002 (default 0 = no limit; names containing "toolarge"
//       always get 4002, names containing "unsupported" or an unknown extension 4001)
//   upload_shape: the success answer of an upload: "files" (default, documented: data.files[] and
//       data.errors[]), "items" (data.items[], documented fields), "uploaded" / "media"
//       (data.<key>[] with name/type/url), "bare" (data is that array), "unlisted" (code 0 and a
//       data object that lists no file), "no_data" (just {"code":0})
//   credits: {"available","frozen","total"} or a number (default 100 available, 0 frozen)
//
// BEHAVIOUR WORTH KNOWING
//   Every API request needs X-Skill-Source/-Version/-Platform (else HTTP 402, code 402) and,
//   except the anonymous-token call, a valid bearer token (else code 1001, HTTP auth_fail_http).
//   Unknown session: code 1002 with HTTP 200 (a JSON answer, also for /run_sse).
//   Upload: accepted files in data.files, rejected ones in data.errors [{"filename","code",
//   "message"}]; when every file is rejected the envelope code is the first error's code.
//   Render start: duplicate id -> HTTP 409 {"success":false,"code":409,"error":"duplicate id..."};
//   a draft without a track with segments -> 400. Cancel of a finished render -> 409.
#include "FakeCloud.h"

#include <httplib.h>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace {

// Enough workers that long SSE streams and idle keep-alive connections never starve a request.
constexpr std::size_t kWorkers = 64;

int waitForEndSignal(bool watchStdin) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  const int sigFd = signalfd(-1, &set, SFD_CLOEXEC);
  if (sigFd < 0) {
    std::perror("nemo-test-backend: signalfd");
    return 1;
  }
  pollfd fds[2] = {{sigFd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  for (;;) {
    const int n = poll(fds, watchStdin ? 2 : 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (fds[0].revents & POLLIN) break;
    if (watchStdin && fds[1].revents) {
      char buf[4096];
      const ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;  // EOF: the test that started us is gone or done
    }
  }
  close(sigFd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool watchStdin = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-stdin") == 0) {
      watchStdin = false;
    } else {
      std::cerr << "usage: nemo-test-backend [--no-stdin]\n";
      return 2;
    }
  }
  // Block the stop signals in every thread (they inherit the mask) so only signalfd sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client hanging up mid-stream must not kill the backend

  httplib::Server api;
  httplib::Server cdn;
  for (httplib::Server* s : {&api, &cdn})
    s->new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  const int port = api.bind_to_any_port("127.0.0.1");
  const int cdnPort = cdn.bind_to_any_port("127.0.0.1");
  if (port <= 0 || cdnPort <= 0) {
    std::cerr << "nemo-test-backend: cannot bind a loopback port\n";
    return 1;
  }
  nemo::testbackend::FakeCloud cloud;
  cloud.install(api, cdn, cdnPort);

  std::thread apiThread([&] { api.listen_after_bind(); });
  std::thread cdnThread([&] { cdn.listen_after_bind(); });
  // The sockets already listen, so connections made after this line queue until accepted.
  std::cout << "{\"port\":" << port << ",\"cdn_port\":" << cdnPort << "}" << std::endl;
  const char* verbose = std::getenv("NEMO_BACKEND_VERBOSE");
  const bool chatty = verbose != nullptr && *verbose != '\0' && std::string(verbose) != "0";
  if (chatty)
    std::cerr << "nemo-test-backend: api on 127.0.0.1:" << port << ", cdn on 127.0.0.1:" << cdnPort
              << '\n';

  const int rc = waitForEndSignal(watchStdin);
  cloud.shutdown();
  api.stop();
  cdn.stop();
  apiThread.join();
  cdnThread.join();
  if (chatty) std::cerr << "nemo-test-backend: stopped\n";
  return rc;
}
