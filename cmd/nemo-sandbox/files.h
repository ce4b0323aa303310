// Serving a file from disk: streamed in constant memory, with Range (206/416), and the
// break_download_after fault that cuts a download mid-way.
#pragma once

#include <httplib.h>

#include <string>

#include "sandbox.h"

namespace sandbox {

// Answers 404 when the file is missing.
void ServeFile(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
               const std::string& path, const std::string& content_type);

}  // namespace sandbox
