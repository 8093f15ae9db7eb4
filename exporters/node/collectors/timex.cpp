#include <sys/timex.h>

#include <cerrno>
#include <cstring>

#include "exporter/collector.h"
#include "exporter/metrics.h"

namespace node {
namespace {

class TimexCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    struct timex tx;
    std::memset(&tx, 0, sizeof tx);
    int state = adjtimex(&tx);
    if (state < 0) return exporter::Status::Error(std::string("adjtimex: ") + std::strerror(errno));
    const double divisor = (tx.status & STA_NANO) ? 1e9 : 1e6;  // offset and jitter units
    const double ppm16frac = 1000000.0 * 65536.0;
    using exporter::Counter;
    using exporter::Gauge;
    Gauge(out, "node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).")
        .Add(state == TIME_ERROR ? 0 : 1);
    Gauge(out, "node_timex_offset_seconds", "Time offset in between local system and reference clock.")
        .Add(static_cast<double>(tx.offset) / divisor);
    Gauge(out, "node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.")
        .Add(1 + static_cast<double>(tx.freq) / ppm16frac);
    Gauge(out, "node_timex_maxerror_seconds", "Maximum error in seconds.").Add(static_cast<double>(tx.maxerror) / 1e6);
    Gauge(out, "node_timex_estimated_error_seconds", "Estimated error in seconds.")
        .Add(static_cast<double>(tx.esterror) / 1e6);
    Gauge(out, "node_timex_status", "Value of the status array bits.").Add(static_cast<double>(tx.status));
    Gauge(out, "node_timex_loop_time_constant", "Phase-locked loop time constant.")
        .Add(static_cast<double>(tx.constant));
    Gauge(out, "node_timex_tick_seconds", "Seconds between clock ticks.").Add(static_cast<double>(tx.tick) / 1e6);
    Gauge(out, "node_timex_pps_frequency_hertz", "Pulse per second frequency.")
        .Add(static_cast<double>(tx.ppsfreq) / ppm16frac);
    Gauge(out, "node_timex_pps_jitter_seconds", "Pulse per second jitter.")
        .Add(static_cast<double>(tx.jitter) / divisor);
    Gauge(out, "node_timex_pps_shift_seconds", "Pulse per second interval duration.")
        .Add(static_cast<double>(tx.shift));
    Gauge(out, "node_timex_pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.")
        .Add(static_cast<double>(tx.stabil) / ppm16frac);
    Counter(out, "node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.")
        .Add(static_cast<double>(tx.jitcnt));
    Counter(out, "node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.")
        .Add(static_cast<double>(tx.calcnt));
    Counter(out, "node_timex_pps_error_total", "Pulse per second count of calibration errors.")
        .Add(static_cast<double>(tx.errcnt));
    Counter(out, "node_timex_pps_stability_exceeded_total",
            "Pulse per second count of stability limit exceeded events.")
        .Add(static_cast<double>(tx.stbcnt));
    Gauge(out, "node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.")
        .Add(static_cast<double>(tx.tai));
    return {};
  }
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "timex", true, TimexCollector);

}  // namespace
}  // namespace node
