// One typed error for the whole suite. Library code throws it; only a program's main prints it.
#pragma once

#include <stdexcept>
#include <string>

#include "exit_code.h"

namespace nemo {

class Error : public std::runtime_error {
 public:
  // `message` is one line without the program name; `api_code` is the API's numeric code (0: none).
  Error(int exit_code, std::string message, std::string hint = {}, int api_code = 0,
        long http_status = 0)
      : std::runtime_error(std::move(message)),
        exit_code_(exit_code),
        api_code_(api_code),
        http_status_(http_status),
        hint_(std::move(hint)) {}

  int exit_code() const { return exit_code_; }
  int api_code() const { return api_code_; }
  // The HTTP status the error came with (0: none or not HTTP): 401 and 403 call for different
  // cures.
  long http_status() const { return http_status_; }
  const std::string& hint() const { return hint_; }

 private:
  int exit_code_;
  int api_code_;
  long http_status_;
  std::string hint_;
};

// The exit code an API error code maps to (1001 -> auth, 2001 -> credits, 429 -> rate limited,
// other 4xxx -> usage, ...); `fallback` otherwise. One table for envelopes and stream events, so
// a code means the same whatever shape it arrived in.
int ExitCodeForApiCode(int api_code, int fallback);

// strerror(errno), for messages.
std::string ErrnoText();

}  // namespace nemo
