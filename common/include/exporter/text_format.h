#pragma once

#include <string>
#include <string_view>

#include "exporter/metrics.h"

namespace exporter {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The Prometheus text exposition format, from prometheus-cpp's data model:
// families sorted by name, empty ones left out. Written into one string with
// std::to_chars (shortest round-trip numbers); prometheus-cpp's TextSerializer
// goes through an ostream and costs about twice as much per scrape. A unit
// test checks the two agree sample for sample.
std::string SerializeText(const Families& families);

// A sample value as the text format writes it (NaN, +Inf, -Inf, shortest round trip).
void AppendNumber(std::string& out, double value);

// gzip-framed deflate at the fastest level: scrapes pay for compression on
// every request, and the text compresses well even at level 1.
std::string GzipCompress(std::string_view data);

// True when an Accept-Encoding header value admits gzip (q=0 excluded).
bool AcceptsGzip(const char* accept_encoding);

}  // namespace exporter
