// Request log lines on stderr: `POST /api/upload-video/nemo_agent/me/ses_… 200 12ms`.
#pragma once

#include <httplib.h>

#include "sandbox.h"

namespace sandbox {

// Call from a pre-routing handler: the request on this thread starts now.
void MarkRequestStart();
// Installs the logger (nothing with --quiet); `prefix` tells the listeners apart ("cdn ").
void InstallLogger(httplib::Server& svr, Sandbox& sb, const std::string& prefix);

}  // namespace sandbox
