// protocol_bench: spawns nemo-video-mcp (and, when node and the TypeScript SDK are there, a minimal
// TS-SDK server) over pipes and measures startup, round trips, pipelined throughput and memory.
//
// Usage: protocol_bench [--spawns N] [--calls N] [--pipelined N] [--no-ts] [--server PATH]
// Run on purpose on a quiet machine; it is not a test. See bench/README.md.
#include "BenchSupport.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <thread>

#ifndef NEMO_SERVER_BINARY
#error "NEMO_SERVER_BINARY must name the server binary"
#endif
#ifndef NEMO_BENCH_DIR
#define NEMO_BENCH_DIR ""
#endif
#ifndef NEMO_SOURCE_DIR
#define NEMO_SOURCE_DIR ""
#endif
#ifndef NEMO_BENCH_BUILD_TYPE
#define NEMO_BENCH_BUILD_TYPE "unknown"
#endif

namespace {

using bench::Clock;

using bench::awaitAnswer;
using bench::isResultFor;
using bench::kInitialize;
constexpr std::string_view kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
                                          "\n";

struct Options {
  int spawns = 30;
  int calls = 5000;
  int pipelined = 20000;
  bool ts = true;
  std::string server = NEMO_SERVER_BINARY;
};

struct Subject {
  std::string name;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  bool listOnly = false;  // only the tools/list figures (and memory); no startup, no ping
};

struct Figures {
  bool ok = false;
  std::string error;
  double startMedianUs = 0, startP95Us = 0;
  double startCpuMedianUs = 0;  // user + system CPU of a spawn that answers initialize and exits
  double pingMedianUs = 0, pingP99Us = 0;
  double listMedianUs = 0, listP99Us = 0;
  double pipelinedSeconds = 0, pipelinedPerSecond = 0;
  double pipelinedCpuPerCallUs = -1;  // the server's CPU time per pipelined call
  long rssKb = -1, hwmKb = -1, anonKb = -1, fileKb = -1;
  std::size_t listBytes = 0;
  long totalCalls = 0;
};

std::string request(long id, std::string_view method) {
  std::string s = R"({"jsonrpc":"2.0","id":)";
  s += std::to_string(id);
  s += R"(,"method":")";
  s += method;
  s += "\"}\n";
  return s;
}

void measureStartup(const Subject& subject, const Options& options, Figures& figures) {
  std::vector<double> samples, cpu;
  for (int i = -1; i < options.spawns; ++i) {  // i == -1: a warm-up spawn, not counted
    std::string answer;
    auto sample = bench::timeToInitializeAnswer(subject.argv, subject.env, &answer);
    if (!sample) {
      figures.error = "no initialize answer (got: " + answer.substr(0, 200) + ")";
      return;
    }
    if (i >= 0) {
      samples.push_back(sample->wallUs);
      cpu.push_back(sample->cpuUs);
    }
  }
  figures.startCpuMedianUs = bench::median(cpu);
  figures.startMedianUs = bench::median(samples);
  figures.startP95Us = bench::percentile(samples, 95);
}

// Sequential round trips of one method; returns false on a missing or wrong answer.
bool measureRoundTrips(bench::Child& child, bench::LineReader& reader, std::string_view method, int calls,
                       long& nextId, std::vector<double>& samples, std::size_t* bytes = nullptr) {
  const int warmup = std::max(50, calls / 10);
  samples.clear();
  samples.reserve(static_cast<std::size_t>(calls));
  for (int i = -warmup; i < calls; ++i) {
    const long id = nextId++;
    const std::string req = request(id, method);
    auto start = Clock::now();
    if (!bench::writeAll(child.in, req)) return false;
    auto line = reader.next(10000);
    double us = bench::microsSince(start);
    if (!line || !isResultFor(*line, id)) return false;
    if (bytes != nullptr) *bytes = line->size() + 1;
    if (i >= 0) samples.push_back(us);
  }
  return true;
}

// One thread writes `count` tools/list requests as fast as it can; this thread reads the answers.
bool measurePipelined(bench::Child& child, bench::LineReader& reader, int count, long& nextId,
                      double& seconds) {
  const long firstId = nextId;
  nextId += count;
  std::atomic<bool> writeFailed{false};
  auto start = Clock::now();
  std::thread writer([&] {
    std::string batch;
    batch.reserve(1 << 16);
    for (long id = firstId; id < firstId + count; ++id) {
      batch += request(id, "tools/list");
      if (batch.size() > (1 << 16) - 128) {
        if (!bench::writeAll(child.in, batch)) {
          writeFailed = true;
          return;
        }
        batch.clear();
      }
    }
    if (!batch.empty() && !bench::writeAll(child.in, batch)) writeFailed = true;
  });
  int results = 0;
  for (int got = 0; got < count; ++got) {
    auto line = reader.next(30000);
    if (!line) break;
    if (line->find("\"result\"") != std::string_view::npos) ++results;
  }
  seconds = bench::microsSince(start) / 1e6;
  writer.join();
  return !writeFailed && results == count;
}

Figures measure(const Subject& subject, const Options& options) {
  Figures figures;
  if (!subject.listOnly) {
    std::fprintf(stderr, "[%s] startup: %d spawns...\n", subject.name.c_str(), options.spawns);
    measureStartup(subject, options, figures);
    if (!figures.error.empty()) return figures;
  }

  bench::Child child;
  bench::spawn(child, subject.argv, subject.env);
  bench::LineReader reader(child.out);
  bench::writeAll(child.in, kInitialize);
  if (!awaitAnswer(reader, 1, nullptr, 20000)) {
    figures.error = "no initialize answer";
    return figures;
  }
  bench::writeAll(child.in, kInitialized);
  long nextId = 2;
  std::vector<double> samples;

  if (!subject.listOnly) {
    std::fprintf(stderr, "[%s] ping: %d round trips...\n", subject.name.c_str(), options.calls);
    if (!measureRoundTrips(child, reader, "ping", options.calls, nextId, samples)) {
      figures.error = "ping failed";
      return figures;
    }
    figures.pingMedianUs = bench::median(samples);
    figures.pingP99Us = bench::percentile(samples, 99);
  }

  std::fprintf(stderr, "[%s] tools/list: %d round trips...\n", subject.name.c_str(), options.calls);
  if (!measureRoundTrips(child, reader, "tools/list", options.calls, nextId, samples, &figures.listBytes)) {
    figures.error = "tools/list failed";
    return figures;
  }
  figures.listMedianUs = bench::median(samples);
  figures.listP99Us = bench::percentile(samples, 99);

  std::fprintf(stderr, "[%s] pipelined: %d tools/list...\n", subject.name.c_str(), options.pipelined);
  const double cpuBefore = bench::procCpuMicros(child.pid);
  if (!measurePipelined(child, reader, options.pipelined, nextId, figures.pipelinedSeconds)) {
    figures.error = "pipelined tools/list: missing or failed answers";
    return figures;
  }
  const double cpuAfter = bench::procCpuMicros(child.pid);
  if (cpuBefore >= 0 && cpuAfter >= 0) figures.pipelinedCpuPerCallUs = (cpuAfter - cpuBefore) / options.pipelined;
  figures.pipelinedPerSecond = options.pipelined / figures.pipelinedSeconds;
  figures.rssKb = bench::procStatusKb(child.pid, "VmRSS");
  figures.hwmKb = bench::procStatusKb(child.pid, "VmHWM");
  figures.anonKb = bench::procStatusKb(child.pid, "RssAnon");
  figures.fileKb = bench::procStatusKb(child.pid, "RssFile");
  figures.totalCalls = nextId - 2;
  child.finish(3000);
  figures.ok = true;
  return figures;
}

std::string us(double v) {
  if (v < 0) return "?";
  return v >= 1000 ? bench::format("%.2f ms", v / 1000) : bench::format("%.1f us", v);
}
std::string mb(long kb) { return kb < 0 ? "?" : bench::format("%.1f MB", static_cast<double>(kb) / 1024.0); }
std::string verdict(bool pass) { return pass ? "pass" : "MISS"; }

// The `tools` array of a server's tools/list answer, written to `path` (for the TS server to serve).
bool captureToolsList(const Subject& subject, const std::string& path) {
  bench::Child child;
  bench::spawn(child, subject.argv, subject.env);
  bench::LineReader reader(child.out);
  bench::writeAll(child.in, std::string(kInitialize) + std::string(kInitialized) + request(2, "tools/list"));
  if (!awaitAnswer(reader, 1, nullptr, 20000)) return false;
  auto line = reader.next(20000);
  if (!line) return false;
  auto answer = nlohmann::json::parse(*line, nullptr, false);
  if (!answer.is_object() || !answer["result"].is_object() || !answer["result"]["tools"].is_array()) return false;
  std::ofstream(path) << answer["result"]["tools"].dump();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> int { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (arg == "--spawns") options.spawns = std::max(1, value());
    else if (arg == "--calls") options.calls = std::max(10, value());
    else if (arg == "--pipelined") options.pipelined = std::max(10, value());
    else if (arg == "--no-ts") options.ts = false;
    else if (arg == "--server" && i + 1 < argc) options.server = argv[++i];
    else {
      std::fprintf(stderr, "usage: protocol_bench [--spawns N] [--calls N] [--pipelined N] [--no-ts] [--server PATH]\n");
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);

  bench::TempDir temp("nemo-protocol-bench-");
  // Port 9 (discard) on loopback: nothing answers, so no request can leave the machine.
  auto nemoEnv = bench::environmentWith({{"HOME", temp.sub("home")},
                                         {"XDG_CONFIG_HOME", temp.sub("config")},
                                         {"XDG_STATE_HOME", temp.sub("state")},
                                         {"NEMO_OUTPUT_DIR", temp.sub("out")},
                                         {"NEMO_BASE_URL", "http://127.0.0.1:9"},
                                         {"NEMO_LOG_LEVEL", "warn"}});
  std::vector<Subject> subjects{{"nemo-video-mcp", {options.server}, nemoEnv, false}};

  std::string tsNote, nodePath;
  if (options.ts) {
    nodePath = bench::findInPath("node");
    const std::string script = std::string(NEMO_BENCH_DIR) + "/ts-reference-server.mjs";
    const std::string modules = std::string(NEMO_SOURCE_DIR) + "/tests/conformance/node_modules";
    const std::string listFile = (temp.path() / "tools-list.json").string();
    if (nodePath.empty()) tsNote = "node not found in PATH";
    else if (!std::filesystem::exists(modules + "/@modelcontextprotocol/sdk/package.json"))
      tsNote = "@modelcontextprotocol/sdk not installed in " + modules + " (run npm ci there)";
    else if (!std::filesystem::exists(script)) tsNote = script + " missing";
    else {
      auto tsEnv = bench::environmentWith({{"NEMO_NODE_MODULES", modules}, {"HOME", temp.sub("home")}});
      subjects.push_back({"ts-sdk", {nodePath, script}, tsEnv, false});
      if (captureToolsList(subjects[0], listFile)) {
        tsEnv.push_back("NEMO_TS_TOOLS_LIST=" + listFile);
        subjects.push_back({"ts-sdk, our list", {nodePath, script}, tsEnv, true});
      }
    }
  } else {
    tsNote = "skipped (--no-ts)";
  }

  const std::string loadBefore = bench::loadAverage();
  std::vector<Figures> results;
  for (const auto& s : subjects) results.push_back(measure(s, options));

  std::printf("protocol_bench  server=%s  build=%s  cores=%u  spawns=%d calls=%d pipelined=%d\n",
              options.server.c_str(), NEMO_BENCH_BUILD_TYPE, std::thread::hardware_concurrency(),
              options.spawns, options.calls, options.pipelined);
  std::printf("load average before: %s   after: %s\n", loadBefore.c_str(), bench::loadAverage().c_str());
  if (!tsNote.empty()) std::printf("TS SDK server not measured: %s\n", tsNote.c_str());
  for (std::size_t i = 0; i < subjects.size(); ++i)
    if (!results[i].ok) std::printf("%s FAILED: %s\n", subjects[i].name.c_str(), results[i].error.c_str());
  std::printf("\n");

  const Figures& n = results[0];
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"measurement", "target", subjects[0].name, ""});
  for (std::size_t i = 1; i < subjects.size(); ++i) rows[0].push_back(subjects[i].name);
  rows[0].push_back("ts-sdk (quoted)");
  // One row: our figure, its verdict (when there is a target), the others' figures, the quoted one.
  auto row = [&](const std::string& label, const std::string& target, auto cell, std::optional<bool> pass,
                 const std::string& quoted, bool listFigure) {
    std::vector<std::string> r{label, target, n.ok || n.startMedianUs > 0 ? cell(n) : "-",
                               pass ? verdict(*pass) : ""};
    for (std::size_t i = 1; i < subjects.size(); ++i)
      r.push_back(results[i].ok && (listFigure || !subjects[i].listOnly) ? cell(results[i]) : "-");
    r.push_back(quoted);
    rows.push_back(std::move(r));
  };
  using F = const Figures&;
  const std::optional<bool> none;
  row("spawn -> initialize answer, median", "< 5 ms", [](F f) { return us(f.startMedianUs); },
      n.startMedianUs < 5000, "~300 ms", false);
  row("spawn -> initialize answer, p95", "< 5 ms", [](F f) { return us(f.startP95Us); }, n.startP95Us < 5000, "",
      false);
  row("  CPU (user+sys) of such a spawn, median", "", [](F f) { return us(f.startCpuMedianUs); }, none, "", false);
  if (n.ok) {
    row("ping round trip, median", "< 40 us", [](F f) { return us(f.pingMedianUs); }, n.pingMedianUs < 40, "~200 us",
        false);
    row("ping round trip, p99", "", [](F f) { return us(f.pingP99Us); }, none, "", false);
    row("tools/list round trip, median", "< 40 us", [](F f) { return us(f.listMedianUs); }, n.listMedianUs < 40, "",
        true);
    row("tools/list round trip, p99", "", [](F f) { return us(f.listP99Us); }, none, "", true);
    row("pipelined tools/list, calls/s", "> 150000", [](F f) { return bench::format("%.0f", f.pipelinedPerSecond); },
        n.pipelinedPerSecond > 150000, "~35000", true);
    row("pipelined tools/list, total time", "", [](F f) { return bench::format("%.3f s", f.pipelinedSeconds); },
        none, "", true);
    row("  server CPU per pipelined call", "", [](F f) { return us(f.pipelinedCpuPerCallUs); }, none, "", true);
    row("VmRSS after the calls", "< 10 MB", [](F f) { return mb(f.rssKb); }, n.rssKb >= 0 && n.rssKb < 10 * 1024,
        "~140 MB", true);
    row("VmHWM (peak resident)", "< 10 MB", [](F f) { return mb(f.hwmKb); }, n.hwmKb >= 0 && n.hwmKb < 10 * 1024, "",
        true);
    row("  of which RssAnon (heap, stacks)", "", [](F f) { return mb(f.anonKb); }, none, "", true);
    row("  of which RssFile (binary + shared libs)", "", [](F f) { return mb(f.fileKb); }, none, "", true);
    row("tools/list answer size", "", [](F f) { return std::to_string(f.listBytes) + " B"; }, none, "", true);
    row("calls made before the memory reading", "", [](F f) { return std::to_string(f.totalCalls); }, none, "",
        true);
  }
  bench::printTable(rows);
  std::printf("\nts-sdk (quoted): figures reported for a TypeScript-SDK server elsewhere, not measured here.\n");
  if (subjects.size() > 1)
    std::printf("ts-sdk: bench/ts-reference-server.mjs (McpServer + StdioServerTransport, one tool) run by %s;\n"
                "\"ts-sdk, our list\": the same server answering tools/list with nemo-video-mcp's own tool list.\n",
                nodePath.c_str());
  return n.ok ? 0 : 1;
}
