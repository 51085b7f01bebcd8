#pragma once
// The daemon's configurations over its life: the one it started with and every one a reload
// (SIGHUP, POST /api/v1/reload) applied since. Reading the file again, judging it against the
// running one (config/config_diff.h) and keeping the sections that need a restart happen here;
// handing the result to the components is the pipeline's (app/pipeline.cpp).
//
// Every generation is kept until the daemon stops: components hold `const Config&` (the failover
// controller, a plan running under the configuration it started with, the probers of a round in
// flight, the server and publishers that start once), and a reload is an operator's action, a few
// kilobytes each, so keeping them is simpler and safer than counting who still looks at which.
#include <expected>
#include <list>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_diff.h"
#include "core/time.h"
#include "present/reload_hooks.h"

namespace rg {

class ConfigReload {
 public:
  ConfigReload(std::string path, Config initial, TimePoint started);

  const Config& current() const { return configs_.back(); }

  struct Loaded {
    const Config& previous;
    const Config& next;  // current() from now on
    ConfigDiff diff;
  };
  // Reads the file again. Valid: it becomes current() (with the running values of the sections
  // that need a restart) and the answer says what changed. Invalid: every error, each as
  // "file:line:col: path: message", and current() stays as it was. Logs either way.
  std::expected<Loaded, std::vector<std::string>> load();

  // What the last attempt came to, for /metrics.
  void record(const ReloadReport& report, TimePoint at);
  const ReloadStatus& status() const { return status_; }

 private:
  std::string path_;
  std::list<Config> configs_;  // a list: adding one never moves the others
  ReloadStatus status_;
};

}  // namespace rg
