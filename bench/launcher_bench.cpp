// launcher_bench: what the npm packaging adds to the time until a client gets its first answer.
// Installs the npm tarballs from dist/ (scripts/package.sh) into a temporary prefix without the
// network, then measures spawn -> initialize answer, side by side, for the platform binary run
// directly, the package's launcher (node), and `npx nemo-video-mcp` (what the README's client
// configurations run).
// Usage: launcher_bench [--spawns N] [--dist DIR]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "BenchSupport.h"

// NEMO_SOURCE_DIR and NEMO_BENCH_BUILD_TYPE come from bench/CMakeLists.txt.

namespace {

struct Subject {
  std::string name;
  std::vector<std::string> argv;
};

struct Result {
  std::vector<double> wallUs, cpuUs;
  std::string error;
};

Result measure(const Subject& subject, const std::vector<std::string>& env, int spawns) {
  Result result;
  for (int i = -1; i < spawns; ++i) {  // i == -1: a warm-up spawn (fills the page cache), not counted
    std::string answer;
    auto sample = bench::timeToInitializeAnswer(subject.argv, env, &answer);
    if (!sample) {
      result.error = "no initialize answer (got: " + answer.substr(0, 200) + ")";
      return result;
    }
    if (i >= 0) {
      result.wallUs.push_back(sample->wallUs);
      result.cpuUs.push_back(sample->cpuUs);
    }
  }
  return result;
}

std::string ms(double us) { return bench::format("%.1f ms", us / 1000.0); }

}  // namespace

int main(int argc, char** argv) {
  int spawns = 20;
  std::filesystem::path dist = std::filesystem::path(NEMO_SOURCE_DIR) / "dist";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--spawns" && i + 1 < argc) spawns = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--dist" && i + 1 < argc) dist = argv[++i];
    else {
      std::fprintf(stderr, "usage: launcher_bench [--spawns N] [--dist DIR]\n");
      return 2;
    }
  }
  const std::string node = bench::findInPath("node"), npm = bench::findInPath("npm"), npx = bench::findInPath("npx");
  if (node.empty() || npm.empty() || npx.empty()) {
    std::fprintf(stderr, "launcher_bench: node, npm and npx must be in PATH\n");
    return 2;
  }
  // The version is in the tarballs' names: take the platform package's.
  std::string mainTarball, platformTarball;
  for (const auto& entry : std::filesystem::directory_iterator(dist)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("nemo-video-mcp-linux-x64-", 0) == 0) platformTarball = entry.path().string();
    else if (name.rfind("nemo-video-mcp-", 0) == 0 && name.ends_with(".tgz") && name.find("linux") == std::string::npos)
      mainTarball = entry.path().string();
  }
  if (mainTarball.empty() || platformTarball.empty()) {
    std::fprintf(stderr, "launcher_bench: no npm tarballs in %s (run scripts/package.sh)\n", dist.c_str());
    return 2;
  }

  bench::TempDir temp("nemo-launcher-bench-");
  const std::string prefix = temp.sub("prefix");
  const std::string install = "npm install --offline --no-audit --no-fund --loglevel=error --prefix '" + prefix +
                              "' '" + mainTarball + "' '" + platformTarball + "' >&2";
  std::fprintf(stderr, "installing the npm packages into %s...\n", prefix.c_str());
  if (std::system(install.c_str()) != 0) {
    std::fprintf(stderr, "launcher_bench: npm install failed\n");
    return 1;
  }

  const std::string modules = prefix + "/node_modules";
  std::vector<Subject> subjects{
      {"binary", {modules + "/nemo-video-mcp-linux-x64/bin/nemo-video-mcp"}},
      {"node launcher", {node, modules + "/nemo-video-mcp/bin/nemo-video-mcp.js"}},
      {"npx nemo-video-mcp", {npx, "--offline", "--prefix", prefix, "nemo-video-mcp"}},
  };
  // Port 9 (discard) on loopback: nothing answers, and initialize makes no request anyway.
  auto env = bench::environmentWith({{"HOME", temp.sub("home")},
                                     {"XDG_CONFIG_HOME", temp.sub("config")},
                                     {"XDG_STATE_HOME", temp.sub("state")},
                                     {"NEMO_BASE_URL", "http://127.0.0.1:9"},
                                     {"NEMO_LOG_LEVEL", "warn"}});

  const std::string loadBefore = bench::loadAverage();
  std::vector<Result> results;
  for (const auto& subject : subjects) {
    std::fprintf(stderr, "[%s] %d spawns...\n", subject.name.c_str(), spawns);
    results.push_back(measure(subject, env, spawns));
  }

  std::printf("launcher_bench  %s  build=%s  cores=%u  spawns=%d\n", platformTarball.c_str(), NEMO_BENCH_BUILD_TYPE,
              std::thread::hardware_concurrency(), spawns);
  std::printf("load average before: %s   after: %s\n\n", loadBefore.c_str(), bench::loadAverage().c_str());
  std::vector<std::vector<std::string>> rows{
      {"spawn -> initialize answer", "median", "p95", "added to the binary (median)", "CPU, median"}};
  bool ok = true;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    if (!results[i].error.empty()) {
      rows.push_back({subjects[i].name, "FAILED: " + results[i].error});
      ok = false;
      continue;
    }
    const double median = bench::median(results[i].wallUs);
    const std::string added = i == 0 || !results[0].error.empty() ? "" : "+" + ms(median - bench::median(results[0].wallUs));
    rows.push_back({subjects[i].name, ms(median), ms(bench::percentile(results[i].wallUs, 95)), added,
                    ms(bench::median(results[i].cpuUs))});
  }
  bench::printTable(rows);
  return ok ? 0 : 1;
}
