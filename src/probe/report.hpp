// The probe's steps and how they print: one line per step with its timing and PASS/FAIL, or a
// JSON array of the same steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace avedge::probe {

struct Step {
  std::string name;  // "mras", "resolve", "udp/binding", "tls/allocate", ...
  bool pass = false;
  int64_t ms = 0;
  std::string detail;  // what was seen, or why it failed
};

// "PASS  udp/allocate         3 ms  relayed 127.0.0.31:50012 ..."
std::string format_step(const Step& s, bool colour);
std::string format_human(const std::vector<Step>& steps, bool colour);  // lines + summary
std::string format_json(const std::vector<Step>& steps);  // [{step, pass, ms, detail}]
// 0 every step passed, 1 one failed (an empty list is a failure: nothing was tested).
int exit_status(const std::vector<Step>& steps);

}  // namespace avedge::probe
