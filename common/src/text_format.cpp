#include "exporter/text_format.h"

#include <prometheus/text_serializer.h>
#include <zlib.h>

#include <sstream>
#include <stdexcept>

#include "exporter/strings.h"

namespace exporter {

std::string SerializeText(const Families& families) {
  std::ostringstream stream;
  prometheus::TextSerializer().Serialize(stream, families);
  return std::move(stream).str();
}

std::string GzipCompress(std::string_view data) {
  z_stream stream{};
  constexpr int kGzipWindowBits = 15 + 16;
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, data.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  return out;
}

bool AcceptsGzip(const char* accept_encoding) {
  if (!accept_encoding) return false;
  for (auto part : Split(accept_encoding, ',')) {
    auto params = Split(part, ';');
    auto coding = Trim(params[0]);
    if (coding != "gzip" && coding != "*") continue;
    bool refused = false;
    for (size_t i = 1; i < params.size(); ++i) {
      auto param = Trim(params[i]);
      if (StartsWith(param, "q=")) {
        auto q = ParseDouble(param.substr(2));
        refused = q && *q == 0;
      }
    }
    if (!refused) return true;
  }
  return false;
}

}  // namespace exporter
