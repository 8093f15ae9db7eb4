#pragma once

#include <string>
#include <string_view>

#include "exporter/metrics.h"

namespace exporter {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The Prometheus text exposition format (prometheus-cpp's serializer).
std::string SerializeText(const Families& families);

// gzip-framed deflate at the fastest level: scrapes pay for compression on
// every request, and the text compresses well even at level 1.
std::string GzipCompress(std::string_view data);

// True when an Accept-Encoding header value admits gzip (q=0 excluded).
bool AcceptsGzip(const char* accept_encoding);

}  // namespace exporter
