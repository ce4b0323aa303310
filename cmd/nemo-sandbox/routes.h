// Route registration, one function per file that owns the routes.
#pragma once

#include <httplib.h>

#include "sandbox.h"

namespace sandbox {

void AddApiRoutes(httplib::Server& svr, Sandbox& sb);      // api.cc: auth, sessions, credits, state
void AddUploadRoutes(httplib::Server& svr, Sandbox& sb);   // upload.cc
void AddSseRoutes(httplib::Server& svr, Sandbox& sb);      // sse.cc: /run_sse
void AddRenderRoutes(httplib::Server& svr, Sandbox& sb);   // render_routes.cc: export jobs
void AddControlRoutes(httplib::Server& svr, Sandbox& sb);  // control.cc: /_sandbox/*
void AddCdnRoutes(httplib::Server& cdn, Sandbox& sb);      // cdn.cc: the second listener
void AddPageRoutes(httplib::Server& svr, Sandbox& sb);     // page.cc: the claim link's page

}  // namespace sandbox
