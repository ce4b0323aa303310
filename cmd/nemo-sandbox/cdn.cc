// The second listener, standing in for the CDN host (static1.nemovideo.ai): rendered files and
// uploads, no auth. It counts Authorization headers, because a client that sends its bearer
// token here leaks it to another host.
#include "envelope.h"
#include "files.h"
#include "log.h"
#include "media.h"
#include "routes.h"

namespace sandbox {

using httplib::Request;
using httplib::Response;

void AddCdnRoutes(httplib::Server& cdn, Sandbox& sb) {
  // Every request counts, found or not; cdn_404 answers them all.
  cdn.set_pre_routing_handler([&sb](const Request& req, Response& res) {
    MarkRequestStart();
    sb.store.Count("cdn_requests");
    sb.store.CountKeyed("hits", "CDN " + req.method + " " + req.path);
    if (req.has_header("Authorization")) sb.store.Count("cdn_auth_headers");
    if (InjectError(sb, req, res, Envelope::kApi, "CDN "))
      return httplib::Server::HandlerResponse::Handled;
    if (!sb.faults.Flag("cdn_404")) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 404;
    res.set_content("<html><body><h1>404 Not Found</h1></body></html>\n", "text/html");
    return httplib::Server::HandlerResponse::Handled;
  });
  cdn.Get(R"(/renders/([A-Za-z0-9_.\-]+)\.mp4)", [&sb](const Request& req, Response& res) {
    std::string id = req.matches[1];
    if (id.find("..") != std::string::npos) return void(res.status = 404);
    ServeFile(sb, req, res, sb.state_dir + "/renders/" + id + ".mp4", "video/mp4");
  });
  cdn.Get(R"(/uploads/(upl_[0-9a-f]+)/([A-Za-z0-9_.\-]+))",
          [&sb](const Request& req, Response& res) {
            std::string name = req.matches[2];
            if (name.find("..") != std::string::npos) return void(res.status = 404);
            ServeFile(sb, req, res, sb.state_dir + "/uploads/" + req.matches[1].str() + "/" + name,
                      MimeTypeOf(name));
          });
}

}  // namespace sandbox
