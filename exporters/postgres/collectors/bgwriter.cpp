// pg_stat_bgwriter_*_total, as the reference's "bgwriter" collector.
#include "pg_collector.h"

namespace postgres {
namespace {

struct BgwriterColumn {
  const char* name;
  const char* help;
};
constexpr BgwriterColumn kColumns[] = {
    {"checkpoints_timed", "Number of scheduled checkpoints that have been performed"},
    {"checkpoints_req", "Number of requested checkpoints that have been performed"},
    {"checkpoint_write_time",
     "Total amount of time that has been spent in the portion of checkpoint processing where files are written to "
     "disk, in milliseconds"},
    {"checkpoint_sync_time",
     "Total amount of time that has been spent in the portion of checkpoint processing where files are synchronized "
     "to disk, in milliseconds"},
    {"buffers_checkpoint", "Number of buffers written during checkpoints"},
    {"buffers_clean", "Number of buffers written by the background writer"},
    {"maxwritten_clean",
     "Number of times the background writer stopped a cleaning scan because it had written too many buffers"},
    {"buffers_backend", "Number of buffers written directly by a backend"},
    {"buffers_backend_fsync",
     "Number of times a backend had to execute its own fsync call (normally the background writer handles those even "
     "when the backend does its own write)"},
    {"buffers_alloc", "Number of buffers allocated"},
    {"stats_reset", "Time at which these statistics were last reset"},
};

class BgwriterCollector : public PgCollector {
 public:
  std::vector<std::string> Queries(const PgContext&) const override {
    return {
        "SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time, buffers_checkpoint, "
        "buffers_clean, maxwritten_clean, buffers_backend, buffers_backend_fsync, buffers_alloc, "
        "extract(epoch from stats_reset)::float8 FROM pg_stat_bgwriter"};
  }

  Status Collect(const PgContext& ctx, const std::vector<pqxx::result>& results, Families& out) override {
    const auto& result = results[0];
    if (result.empty()) return Status::Error("pg_stat_bgwriter returned no row");
    const auto& row = result[0];
    for (size_t i = 0; i < std::size(kColumns); ++i) {
      exporter::Counter(out, std::string("pg_stat_bgwriter_") + kColumns[i].name + "_total", kColumns[i].help)
          .Add(FieldDouble(row[static_cast<pqxx::row::size_type>(i)]), ctx.server_labels());
    }
    return {};
  }
};

}  // namespace
EXPORTER_REGISTER_COLLECTOR(postgres::PgCollector, "bgwriter", true, BgwriterCollector);
}  // namespace postgres
