// The smallest C++ HTTP server on Debian's civetweb: the resident memory that
// serving costs before any exporter code (docs/benchmarks/node.md, Memory).
//   g++ -O2 -o /tmp/civetweb_server bench/floors/civetweb_server.cpp -lcivetweb
//   /tmp/civetweb_server 127.0.0.1:19110 &
//   for i in $(seq 20); do curl -s http://127.0.0.1:19110/metrics >/dev/null; done
//   grep -E 'VmRSS|RssAnon|RssFile' /proc/$!/status
#include <civetweb.h>
#include <string>
#include <unistd.h>
#include <cstdio>
static int Handle(mg_connection* c, void*) {
  std::string body(50000, 'x');  // about the size of a node exposition
  mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body.size());
  mg_write(c, body.data(), body.size());
  return 200;
}
int main(int argc, char** argv) {
  const char* options[] = {"listening_ports", argv[1], "num_threads", "10", nullptr};
  mg_init_library(0);
  mg_callbacks callbacks{};
  mg_context* ctx = mg_start(&callbacks, nullptr, options);
  mg_set_request_handler(ctx, "/metrics", Handle, nullptr);
  pause();
}
