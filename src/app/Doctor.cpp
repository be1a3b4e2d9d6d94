#include "app/Doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include "app/ClientRegistrations.h"
#include "http/HttpClient.h"
#include "nemo/api/Credentials.h"
#include "nemo/api/NemoClient.h"
#include "support/JsonAccess.h"
#include "support/Paths.h"
#include "support/Subprocess.h"

namespace nemo::app {
namespace {

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void pass(const std::string& check, const std::string& detail) { out_ << "[ ok ] " << check << ": " << detail << "\n"; }
  void warn(const std::string& check, const std::string& detail, const std::string& fix) {
    out_ << "[warn] " << check << ": " << detail << "\n       fix: " << fix << "\n";
  }
  void fail(const std::string& check, const std::string& detail, const std::string& fix) {
    out_ << "[FAIL] " << check << ": " << detail << "\n       fix: " << fix << "\n";
    ++failures_;
  }
  int failures() const { return failures_; }

 private:
  std::ostream& out_;
  int failures_ = 0;
};

std::string octal(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%03o", static_cast<unsigned>(mode & 0777));
  return buffer;
}

// A folder we own: fine when missing (made on first use) or present with at most `maxMode`.
void checkFolder(Report& report, const std::string& name, const std::filesystem::path& dir, mode_t maxMode) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    auto parent = dir.parent_path();
    while (!parent.empty() && ::access(parent.c_str(), F_OK) != 0) parent = parent.parent_path();
    if (!parent.empty() && ::access(parent.c_str(), W_OK) != 0) {
      report.fail(name, dir.string() + " does not exist and cannot be created (" + parent.string() + " is not writable)",
                  "create it yourself: mkdir -p '" + dir.string() + "'");
    } else {
      report.pass(name, dir.string() + " (created on first use)");
    }
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    report.fail(name, dir.string() + " is not a folder", "move it away: mv '" + dir.string() + "' '" + dir.string() + ".old'");
    return;
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    report.fail(name, dir.string() + " is not writable", "chown $USER '" + dir.string() + "'");
    return;
  }
  if ((info.st_mode & 0777 & ~maxMode) != 0) {
    report.fail(name, dir.string() + " has mode " + octal(info.st_mode) + ", others can read it",
                "chmod " + octal(maxMode) + " '" + dir.string() + "'");
    return;
  }
  report.pass(name, dir.string() + " (mode " + octal(info.st_mode) + ")");
}

std::string commandLine(const Registration& server) {
  std::string line = server.command;
  for (const auto& arg : server.args) line += " " + arg;
  return line;
}

// The servers each agent client on this machine would start, and whether it can start them.
void checkClientRegistrations(Report& report, const std::string& slug) {
  int listed = 0;
  for (const auto& config : findClientRegistrations(support::homeDirectory(), support::configDirectory().parent_path())) {
    const std::string check = "client " + config.client;
    if (!config.error.empty()) {
      report.warn(check, config.file.string() + " is " + config.error + " (or uses JSON5 this check cannot read)",
                  "fix the file; the installer keeps the original as " + config.file.string() + ".bak");
      continue;
    }
    for (const auto& server : config.servers) {
      ++listed;
      const std::string says = config.file.string() + ": \"" + server.server + "\" runs " + commandLine(server);
      if (server.commandFound) {
        report.pass(check, says);
      } else {
        report.fail(check, says + ", which cannot be run (missing or not executable)",
                    "scripts/install.sh --skill " + server.server + " --target " + config.installTarget +
                        " (or remove the entry)");
      }
    }
  }
  if (listed == 0) {
    report.warn("clients", "no agent client configuration lists nemo-video-mcp yet",
                "scripts/install.sh --skill " + slug + " --target cursor|claude-code|claude-desktop|openclaw|clawhub");
  }
}

}  // namespace

int runDoctor(const Configuration& configuration, std::ostream& out) {
  Report report(out);
  out << "nemo-video-mcp " NEMO_VERSION " doctor\n";
  if (!configuration.manifest) {
    report.fail("skill manifest", configuration.error, "use --skill with one of the listed slugs (or unset NEMO_SKILL)");
    out << "1 check failed.\n";
    return 1;
  }
  const auto& manifest = *configuration.manifest;
  report.pass("skill manifest", manifest.slug + " " + manifest.version + " (" + manifest.displayName + ", uploads up to " +
                                    configuration.client.uploadLimit + "; chosen by " + configuration.skillChosenBy + ")");
  if (!configuration.error.empty()) {
    report.fail("configuration", configuration.error, "set NEMO_BASE_URL (or --base-url) to an https URL");
    out << report.failures() << " check(s) failed.\n";
    return 1;
  }
  const auto& config = configuration.client;
  report.pass("API base URL", config.baseUrl);
  report.pass("platform", config.skillPlatform + " (from where this binary is installed)");
  checkClientRegistrations(report, manifest.slug);

  checkFolder(report, "config folder", support::configDirectory(), 0700);
  auto credentialsFile = support::configDirectory() / "credentials.json";
  struct stat info {};
  if (::stat(credentialsFile.c_str(), &info) == 0 && (info.st_mode & 0077) != 0) {
    report.fail("token cache", credentialsFile.string() + " has mode " + octal(info.st_mode),
                "chmod 600 '" + credentialsFile.string() + "'");
  }
  checkFolder(report, "state folder", support::stateDirectory(), 0700);
  checkFolder(report, "output folder", support::outputDirectory(), 0777);

  auto credentials = std::make_shared<api::Credentials>(credentialsFile);
  auto http = http::makeCurlHttpClient();
  auto client = std::make_shared<api::NemoClient>(config, http, credentials);
  if (config.environmentToken) {
    report.pass("token", "from NEMO_TOKEN (not shown)");
  } else if (auto cached = credentials->cachedToken(client->origin())) {
    report.pass("token", "cached in " + credentialsFile.string() + " (not shown)" +
                             (cached->expiresAt.empty() ? std::string() : ", expires " + cached->expiresAt));
  } else {
    report.pass("token", "none yet: a free token is requested on first use and cached");
  }

  std::stop_source never;
  http::Request ping;
  ping.url = config.baseUrl + "/";
  ping.totalTimeout = std::chrono::seconds(8);
  ping.connectTimeout = std::chrono::seconds(5);
  ping.stop = never.get_token();
  auto reached = http->send(ping);
  if (!reached.ok()) {
    report.fail("network", "cannot reach " + config.baseUrl + ": " + reached.message,
                "check the connection, a proxy (HTTPS_PROXY) or a firewall; or set NEMO_BASE_URL");
  } else {
    report.pass("network", config.baseUrl + " answers (HTTP " + std::to_string(reached.response.status) + ")");
    auto credits = client->credits(api::CallControl{never.get_token(), {}});
    if (credits.ok()) {
      char available[32];
      std::snprintf(available, sizeof available, "%g", support::numberAt(credits.data, "available").value_or(0));
      report.pass("credits", std::string(available) + " available");
    } else {
      report.fail("credits", credits.error->message, "see the message; `nemo-video-mcp doctor` again afterwards");
    }
  }

  for (const auto& [tool, package] : {std::pair{"pdftotext", "poppler-utils"}, std::pair{"unzip", "unzip"}}) {
    if (!support::programOnPath(tool)) {
      report.warn("documents", std::string(tool) + " is missing: chat attachments of that type cannot be read",
                  std::string("sudo apt-get install ") + package);
    }
  }
  if (report.failures() == 0) {
    out << "All checks passed.\n";
    return 0;
  }
  out << report.failures() << " check(s) failed.\n";
  return 1;
}

}  // namespace nemo::app
