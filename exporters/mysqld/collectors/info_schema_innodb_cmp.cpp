// information_schema.innodb_cmp and innodb_cmpmem (collect.info_schema.innodb_cmp, collect.info_schema.innodb_cmpmem).
#include "mysqld_collector.h"

namespace mysqld {
namespace {

class InnodbCmpCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    auto table = session.Query(
        "SELECT page_size, compress_ops, compress_ops_ok, compress_time, uncompress_ops, uncompress_time "
        "FROM information_schema.innodb_cmp");
    if (!table) return table.status();
    AppendInnodbCmp(*table, out);
    return {};
  }
};

class InnodbCmpMemCollector : public MysqldCollector {
 public:
  exporter::Status Collect(MysqlSession& session, exporter::Families& out) override {
    auto table = session.Query(
        "SELECT page_size, buffer_pool_instance, pages_used, pages_free, relocation_ops, relocation_time "
        "FROM information_schema.innodb_cmpmem");
    if (!table) return table.status();
    AppendInnodbCmpMem(*table, out);
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "info_schema.innodb_cmp", true, InnodbCmpCollector);
EXPORTER_REGISTER_COLLECTOR(MysqldCollector, "info_schema.innodb_cmpmem", true, InnodbCmpMemCollector);

}  // namespace
}  // namespace mysqld
