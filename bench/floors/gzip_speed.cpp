// zlib against libdeflate on an exposition, per call including the compressor's
// set-up, as GzipCompress pays it (docs/benchmarks/node.md).
//   curl -s http://127.0.0.1:9100/metrics > /tmp/metrics.txt
//   g++ -O2 -o /tmp/gzip_speed bench/floors/gzip_speed.cpp -lz -ldeflate && /tmp/gzip_speed /tmp/metrics.txt
#include <libdeflate.h>
#include <zlib.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream f(argv[1]); std::stringstream ss; ss << f.rdbuf(); std::string in = ss.str();
  const int N = 500;
  for (int level : {1, 2, 3, 6}) {
    auto t0 = std::chrono::steady_clock::now(); size_t outsz = 0;
    for (int i = 0; i < N; ++i) {
      z_stream s{}; deflateInit2(&s, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
      std::string out(deflateBound(&s, in.size()), '\0');
      s.next_in = (Bytef*)in.data(); s.avail_in = in.size(); s.next_out = (Bytef*)out.data(); s.avail_out = out.size();
      deflate(&s, Z_FINISH); outsz = s.total_out; deflateEnd(&s);
    }
    double zl = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / N;
    t0 = std::chrono::steady_clock::now(); size_t outsz2 = 0;
    for (int i = 0; i < N; ++i) {
      libdeflate_compressor* c = libdeflate_alloc_compressor(level);
      std::string out(libdeflate_gzip_compress_bound(c, in.size()), '\0');
      outsz2 = libdeflate_gzip_compress(c, in.data(), in.size(), out.data(), out.size());
      libdeflate_free_compressor(c);
    }
    double ld = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / N;
    printf("level %d: zlib %.0f us %zu B | libdeflate %.0f us %zu B\n", level, zl, outsz, ld, outsz2);
  }
}
