"""Ours against prometheus-node-exporter on this host: same families, types and label names.

Fails when a family the reference emits for a collector we implement is missing
from ours or differs in type or label names; prints the share of the
reference's node_* and process_* families we serve.
"""
import os
import unittest

import harness
from node_common import REFERENCE, reference_exporter


# node_exporter family prefixes by collector, for the collectors we implement.
COLLECTOR_PREFIXES = {
    "arp": ["node_arp_"], "conntrack": ["node_nf_conntrack_"], "cpu": ["node_cpu_"], "diskstats": ["node_disk_"],
    "entropy": ["node_entropy_"], "filefd": ["node_filefd_"], "filesystem": ["node_filesystem_"],
    "loadavg": ["node_load"], "meminfo": ["node_memory_"], "netclass": ["node_network_"],
    "netdev": ["node_network_"], "netstat": ["node_netstat_"], "os": ["node_os_"], "pressure": ["node_pressure_"],
    "selinux": ["node_selinux_"], "sockstat": ["node_sockstat_"], "softnet": ["node_softnet_"],
    "stat": ["node_boot_time", "node_context_switches", "node_forks", "node_intr", "node_procs_"],
    "textfile": ["node_textfile_"], "time": ["node_time_"], "timex": ["node_timex_"], "udp_queues": ["node_udp_"],
    "uname": ["node_uname_"], "vmstat": ["node_vmstat_"],
    "hwmon": ["node_hwmon_"], "thermal_zone": ["node_thermal_zone_", "node_cooling_device_"],
    "cpufreq": ["node_cpu_frequency_", "node_cpu_scaling_"], "powersupplyclass": ["node_power_supply_"],
    "rapl": ["node_rapl_"], "schedstat": ["node_schedstat_"], "edac": ["node_edac_"], "bonding": ["node_bonding_"],
    "mdadm": ["node_md_"], "nfs": ["node_nfs_"], "nfsd": ["node_nfsd_"], "xfs": ["node_xfs_"], "zfs": ["node_zfs_"],
    "btrfs": ["node_btrfs_"], "bcache": ["node_bcache_"], "nvme": ["node_nvme_"],
    "fibrechannel": ["node_fibrechannel_"], "infiniband": ["node_infiniband_"], "tapestats": ["node_tape_"],
    "ipvs": ["node_ipvs_"],
    "meta": ["node_scrape_collector_", "node_exporter_build_info", "process_"],
}


def label_names(family):
    return sorted({tuple(sorted(labels)) for _, labels, _ in family["samples"]})


@unittest.skipUnless(os.path.exists(REFERENCE), "prometheus-node-exporter is not installed")
class CompatibilityTest(unittest.TestCase):
    def test_families_types_and_labels(self):
        with reference_exporter() as reference, harness.Exporter("node_exporter") as ours:
            status, ref_text = harness.scrape(reference)
            self.assertEqual(status, 200)
            our_families = ours.metrics()
        ref_families = harness.parse_metrics(ref_text)

        implemented = [p for prefixes in COLLECTOR_PREFIXES.values() for p in prefixes]
        problems = []
        for name, family in sorted(ref_families.items()):
            if not name.startswith(tuple(implemented)):
                continue
            ours = our_families.get(name)
            if ours is None:
                problems.append("missing: " + name)
                continue
            if ours["type"] != family["type"]:
                problems.append("type of %s: ours %s, reference %s" % (name, ours["type"], family["type"]))
            if label_names(ours) != label_names(family):
                problems.append("labels of %s: ours %s, reference %s" % (name, label_names(ours), label_names(family)))

        wanted = [n for n in ref_families if n.startswith(("node_", "process_"))]
        present = [n for n in wanted if n in our_families and our_families[n]["type"] == ref_families[n]["type"]
                   and label_names(our_families[n]) == label_names(ref_families[n])]
        share = len(present) / len(wanted)
        print("\nreference node_*/process_* families: %d, ours with same type and labels: %d (%.1f%%)"
              % (len(wanted), len(present), 100 * share))
        print("not served: " + ", ".join(sorted(set(wanted) - set(present))))
        self.assertEqual(problems, [])
        self.assertGreaterEqual(share, 0.95)


if __name__ == "__main__":
    unittest.main()
