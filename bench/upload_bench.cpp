// upload_bench: time and peak memory of uploading a large file to the loopback test backend, by
// nemo-video-mcp's `upload` tool and by `curl -F files=@<file>`, side by side in one run.
//
// Usage: upload_bench [--sizes 300,30] [--reps 3] [--server PATH] [--backend PATH]
// Run on purpose on a quiet machine; it is not a test. See bench/README.md.
#include "BenchSupport.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <sstream>
#include <thread>

#ifndef NEMO_SERVER_BINARY
#error "NEMO_SERVER_BINARY must name the server binary"
#endif
#ifndef NEMO_BACKEND_BINARY
#error "NEMO_BACKEND_BINARY must name the test backend (target nemo-test-backend)"
#endif
#ifndef NEMO_BENCH_BUILD_TYPE
#define NEMO_BENCH_BUILD_TYPE "unknown"
#endif

namespace {

using bench::Clock;
using nlohmann::json;

// The skill with a 500 MB upload limit (the default skill allows 200 MB).
constexpr const char* kSkill = "video-making-free-ai";
constexpr const char* kSkillVersion = "1.0.0";

struct Options {
  std::vector<long> sizesMb{300, 30};
  int reps = 3;
  std::string server = NEMO_SERVER_BINARY;
  std::string backend = NEMO_BACKEND_BINARY;
};

struct Run {
  double seconds = 0;
  long peakKb = -1;
  double cpuSeconds = -1;      // the uploader's user + system CPU during the upload
  double backendCpuSeconds = -1;  // the test backend's CPU during the same time
};

struct Outcome {
  std::vector<Run> runs;
  std::string error;  // set when the uploader failed; runs then holds what succeeded before
};

// Runs a program to its end with stdin from /dev/null; returns stdout, fills wall time and rusage.
std::string runCapture(const std::vector<std::string>& argv, int& status, double& seconds, rusage& usage) {
  bench::Child child;
  auto start = Clock::now();
  bench::spawn(child, argv, bench::environmentWith({}), "", false);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(child.out, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(child.out);
  child.out = -1;
  while (::wait4(child.pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  seconds = bench::microsSince(start) / 1e6;
  child.pid = -1;
  return out;
}

std::vector<std::string> skillHeaders() {
  return {"-H", std::string("X-Skill-Source: ") + kSkill, "-H", std::string("X-Skill-Version: ") + kSkillVersion,
          "-H", "X-Skill-Platform: unknown"};
}

// A `bench.mp4` of sizeMb MiB: a valid ftyp box, then a hole (sparse; reading it costs no disk).
std::string makeFile(const bench::TempDir& temp, long sizeMb) {
  const std::string dir = temp.sub(std::to_string(sizeMb) + "mb");
  const std::string path = dir + "/bench.mp4";
  static const unsigned char ftyp[] = {0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
                                       0x00, 0x00, 0x02, 0x00, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || !bench::writeAll(fd, reinterpret_cast<const char*>(ftyp), sizeof ftyp) ||
      ::ftruncate(fd, static_cast<off_t>(sizeMb) * 1024 * 1024) != 0)
    throw std::runtime_error("cannot create " + path);
  ::close(fd);
  return path;
}

// What curl needs to upload like a client would: the three skill headers, a bearer token, the URL.
struct CurlTarget {
  std::string curl, bearer, url, error;
};

std::vector<std::string> curlPost(const std::string& curl, std::vector<std::string> extra, const std::string& url) {
  std::vector<std::string> argv{curl, "-sS", "-X", "POST"};
  for (auto& h : skillHeaders()) argv.push_back(h);
  for (auto& e : extra) argv.push_back(e);
  argv.push_back(url);
  return argv;
}

// A token and a session of curl's own (its own X-Client-Id), made with curl itself.
CurlTarget curlTarget(const std::string& curl, const std::string& base) {
  CurlTarget target{curl, "", "", ""};
  int status = 0;
  double seconds = 0;
  rusage usage{};
  const std::string clientId = "bench-curl-" + std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr));
  json token = json::parse(runCapture(curlPost(curl, {"-H", "X-Client-Id: " + clientId, "-H", "Content-Length: 0"},
                                               base + "/api/auth/anonymous-token"),
                                      status, seconds, usage),
                           nullptr, false);
  if (!token.is_object() || token.value("code", -1) != 0) {
    target.error = "anonymous token: " + token.dump();
    return target;
  }
  target.bearer = "Authorization: Bearer " + token["data"]["token"].get<std::string>();
  json session = json::parse(
      runCapture(curlPost(curl, {"-H", target.bearer, "-H", "Content-Type: application/json", "-d",
                                 R"({"task_name":"x","language":"en"})"},
                          base + "/api/tasks/me/with-session/nemo_agent"),
                 status, seconds, usage),
      nullptr, false);
  if (!session.is_object() || session.value("code", -1) != 0) {
    target.error = "create session: " + session.dump();
    return target;
  }
  target.url = base + "/api/upload-video/nemo_agent/me/" + session["data"]["session_id"].get<std::string>();
  return target;
}

// One `curl -F files=@<file>` upload: wall time from fork to exit, peak RSS from wait4's rusage.
bool curlUpload(const CurlTarget& target, const std::string& file, Run& run, std::string& error) {
  int status = 0;
  rusage usage{};
  std::string body =
      runCapture(curlPost(target.curl, {"-H", target.bearer, "-F", "files=@" + file}, target.url), status,
                 run.seconds, usage);
  json answer = json::parse(body, nullptr, false);
  if (status != 0 || !answer.is_object() || answer.value("code", -1) != 0) {
    error = "curl upload failed (status " + std::to_string(status) + "): " + body.substr(0, 300);
    return false;
  }
  run.peakKb = usage.ru_maxrss;
  run.cpuSeconds = bench::cpuMicros(usage) / 1e6;
  return true;
}

// A fresh server: initialize, then a timed tools/call of `upload`; peak RSS = max(VmHWM, sampled
// VmRSS, ru_maxrss). The config and state folders are shared, so later servers reuse token and session.
bool serverUpload(const Options& options, const std::vector<std::string>& env, const std::string& file,
                  const std::string& stderrPath, Run& run, std::string& error) {
  bench::Child child;
  bench::spawn(child, {options.server, "--skill", kSkill}, env, stderrPath);
  bench::LineReader reader(child.out);
  bench::writeAll(child.in,
                  R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
                  R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})"
                  "\n"
                  R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
                  "\n");
  if (!reader.next(20000)) {
    error = "no initialize answer from the server (server stderr below)";
    return false;
  }
  json call{{"jsonrpc", "2.0"},
            {"id", 2},
            {"method", "tools/call"},
            {"params", {{"name", "upload"}, {"arguments", {{"paths", json::array({file})}}}}}};
  // Sample VmRSS while the call runs, as a cross-check of VmHWM.
  std::atomic<bool> done{false};
  long sampledKb = 0;
  std::thread sampler([&] {
    while (!done) {
      sampledKb = std::max(sampledKb, bench::procStatusKb(child.pid, "VmRSS"));
      ::usleep(5000);
    }
  });
  const double cpuBefore = bench::procCpuMicros(child.pid);
  auto start = Clock::now();
  bench::writeAll(child.in, call.dump() + "\n");
  json answer;
  for (;;) {
    auto line = reader.next(600000);
    if (!line) break;
    json message = json::parse(*line, nullptr, false);
    if (message.is_object() && message.contains("id") && message["id"] == 2) {
      answer = std::move(message);
      break;
    }
  }
  run.seconds = bench::microsSince(start) / 1e6;
  run.cpuSeconds = (bench::procCpuMicros(child.pid) - cpuBefore) / 1e6;
  done = true;
  sampler.join();
  long hwm = bench::procStatusKb(child.pid, "VmHWM");
  child.finish(5000);
  run.peakKb = std::max({hwm, sampledKb, static_cast<long>(child.usage.ru_maxrss)});

  if (!answer.is_object()) {
    error = "no answer to tools/call upload (server stderr below)";
    return false;
  }
  if (answer.contains("error")) {
    error = "JSON-RPC error \"" + answer["error"].value("message", answer["error"].dump()) +
            "\": the upload tool is not in this server build yet, so only curl was measured";
    return false;
  }
  const json& result = answer["result"];
  const json structured = result.value("structuredContent", json::object());
  if (result.value("isError", false) || structured.contains("error") ||
      structured.value("uploaded", json::array()).empty()) {
    error = "upload tool failed: " + result.dump().substr(0, 400);
    return false;
  }
  return true;
}

std::vector<double> seconds(const Outcome& o) {
  std::vector<double> v;
  for (const auto& r : o.runs) v.push_back(r.seconds);
  return v;
}
long maxPeak(const Outcome& o) {
  long m = -1;
  for (const auto& r : o.runs) m = std::max(m, r.peakKb);
  return m;
}
std::string allRuns(const Outcome& o) {
  std::string s;
  for (const auto& r : o.runs) {
    if (!s.empty()) s.push_back(' ');
    s.append(bench::format("%.3f", r.seconds));
  }
  return s;
}
std::string medianCpu(const Outcome& o, bool backend) {
  std::vector<double> v;
  for (const auto& r : o.runs) v.push_back(backend ? r.backendCpuSeconds : r.cpuSeconds);
  return v.empty() ? "-" : bench::format("%.2f s", bench::median(v));
}
std::string mb(long kb) { return kb < 0 ? "-" : bench::format("%.1f MB", static_cast<double>(kb) / 1024.0); }

std::vector<long> parseSizes(const std::string& text) {
  std::vector<long> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (long v = std::atol(item.c_str()); v > 0) sizes.push_back(v);
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--sizes" && i + 1 < argc) options.sizesMb = parseSizes(argv[++i]);
    else if (arg == "--reps" && i + 1 < argc) options.reps = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--server" && i + 1 < argc) options.server = argv[++i];
    else if (arg == "--backend" && i + 1 < argc) options.backend = argv[++i];
    else {
      std::fprintf(stderr, "usage: upload_bench [--sizes 300,30] [--reps 3] [--server PATH] [--backend PATH]\n");
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  const std::string curl = bench::findInPath("curl");
  if (curl.empty()) {
    std::fprintf(stderr, "upload_bench: curl not found in PATH\n");
    return 2;
  }

  bench::TempDir temp("nemo-upload-bench-");
  bench::Child backend;
  bench::spawn(backend, {options.backend}, bench::environmentWith({}));
  bench::LineReader backendOut(backend.out);
  auto ports = backendOut.next(20000);
  json portsJson = ports ? json::parse(*ports, nullptr, false) : json();
  if (!portsJson.is_object() || !portsJson.contains("port")) {
    std::fprintf(stderr, "upload_bench: the test backend did not start (%s)\n", options.backend.c_str());
    return 2;
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(portsJson["port"].get<int>());
  const std::string serverLog = (temp.path() / "server-stderr.log").string();

  auto serverEnv = bench::environmentWith({{"HOME", temp.sub("home")},
                                           {"XDG_CONFIG_HOME", temp.sub("config")},
                                           {"XDG_STATE_HOME", temp.sub("state")},
                                           {"NEMO_OUTPUT_DIR", temp.sub("out")},
                                           {"NEMO_BASE_URL", base},
                                           {"NEMO_LOG_LEVEL", "warn"}});
  const CurlTarget target = curlTarget(curl, base);
  const std::string loadBefore = bench::loadAverage();

  struct Row {
    long sizeMb;
    Outcome curl, ours;
  };
  std::vector<Row> rows;
  for (long size : options.sizesMb) {
    const std::string file = makeFile(temp, size);
    Row row{size, {}, {}};
    if (!target.error.empty()) row.curl.error = target.error;
    // Interleaved, so that a burst of load on the machine hits both; i == -1 is an untimed warm-up
    // (for the server it also fetches the token and creates the session).
    for (int i = -1; i < options.reps; ++i) {
      std::fprintf(stderr, "[%ld MB] run %d of %d\n", size, i + 1, options.reps);
      for (int turn = 0; turn < 2; ++turn) {
        const bool curlTurn = (turn == 0) == (i % 2 == 0);
        Run run;
        const double backendBefore = bench::procCpuMicros(backend.pid);
        if (curlTurn && row.curl.error.empty()) {
          if (curlUpload(target, file, run, row.curl.error) && i >= 0) row.curl.runs.push_back(run);
        } else if (!curlTurn && row.ours.error.empty()) {
          if (serverUpload(options, serverEnv, file, serverLog, run, row.ours.error) && i >= 0)
            row.ours.runs.push_back(run);
        }
        const double backendCpu = (bench::procCpuMicros(backend.pid) - backendBefore) / 1e6;
        auto& runs = curlTurn ? row.curl.runs : row.ours.runs;
        if (i >= 0 && !runs.empty() && runs.back().backendCpuSeconds < 0) runs.back().backendCpuSeconds = backendCpu;
      }
    }
    std::filesystem::remove(file);
    rows.push_back(std::move(row));
  }

  std::printf("upload_bench  server=%s  build=%s  cores=%u  reps=%d  backend=%s (loopback)\n",
              options.server.c_str(), NEMO_BENCH_BUILD_TYPE, std::thread::hardware_concurrency(), options.reps,
              base.c_str());
  std::printf("load average before: %s   after: %s\n", loadBefore.c_str(), bench::loadAverage().c_str());
  std::printf("file: sparse bench.mp4 (ftyp box + hole); times are wall clock of one whole upload, median of reps\n\n");
  std::vector<std::vector<std::string>> table{{"size", "uploader", "median time", "runs (s)", "throughput",
                                               "peak RSS", "CPU", "backend CPU", "vs curl", "goal", ""}};
  bool allMet = true;
  for (const auto& row : rows) {
    const std::string size = std::to_string(row.sizeMb) + " MB";
    const double mib = static_cast<double>(row.sizeMb);
    double curlMedian = 0;
    if (!row.curl.runs.empty()) {
      curlMedian = bench::median(seconds(row.curl));
      table.push_back({size, "curl -F", bench::format("%.3f s", curlMedian), allRuns(row.curl),
                       bench::format("%.0f MB/s", mib / curlMedian), mb(maxPeak(row.curl)), medianCpu(row.curl, false),
                       medianCpu(row.curl, true), "1.00", "", ""});
    } else {
      table.push_back({size, "curl -F", "failed", "", "", "", "", "", "", "", ""});
    }
    if (!row.ours.runs.empty()) {
      const double ours = bench::median(seconds(row.ours));
      const double ratio = curlMedian > 0 ? ours / curlMedian : 0;
      const long peak = maxPeak(row.ours);
      const bool timeOk = curlMedian > 0 && ratio <= 1.10;
      const bool memOk = peak >= 0 && peak < 40 * 1024;
      allMet = allMet && timeOk && memOk;
      table.push_back({size, "nemo-video-mcp", bench::format("%.3f s", ours), allRuns(row.ours),
                       bench::format("%.0f MB/s", mib / ours), mb(peak), medianCpu(row.ours, false),
                       medianCpu(row.ours, true), bench::format("%.2f", ratio),
                       "<= 1.10x, < 40 MB", std::string(timeOk ? "time pass" : "time MISS") + ", " +
                                                (memOk ? "memory pass" : "memory MISS")});
    } else {
      allMet = false;
      table.push_back({size, "nemo-video-mcp", "not measured", "", "", "", "", "", "", "<= 1.10x, < 40 MB", ""});
    }
  }
  bench::printTable(table);
  for (const auto& row : rows) {
    if (!row.curl.error.empty()) std::printf("\n%ld MB, curl: %s\n", row.sizeMb, row.curl.error.c_str());
    if (!row.ours.error.empty()) std::printf("\n%ld MB, nemo-video-mcp: %s\n", row.sizeMb, row.ours.error.c_str());
  }
  std::ifstream log(serverLog);
  std::string logText((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  if (!logText.empty())
    std::printf("\nserver stderr (last 1500 bytes):\n%s\n",
                logText.substr(logText.size() > 1500 ? logText.size() - 1500 : 0).c_str());
  std::fflush(stdout);
  std::printf("\npeak RSS: curl = ru_maxrss from wait4; nemo-video-mcp = max(VmHWM, sampled VmRSS, ru_maxrss) "
              "of a fresh server per upload.\n"
              "each uploader does one more, untimed warm-up upload first; curl and server runs alternate.\n"
              "CPU: the uploader's user+system time (curl: whole process; server: during the call); backend CPU: "
              "the test backend's, same span (medians).\n");
  return allMet ? 0 : 1;
}
