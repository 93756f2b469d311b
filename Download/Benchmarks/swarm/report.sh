#!/usr/bin/env bash
# report.sh RESULTS.tsv BYTES "DOWNLOADERS": the Markdown table of swarm-bench.sh, with medians over
# the runs and MeTorrent's time ratio to every other downloader.
# RESULTS.tsv rows: downloader, run, wall_s, exit, peak_rss_kib, peak_anon_kib, OK|FAIL, cpu_s, seeders_cpu_s,
# on_disk_s (the wall time plus a sync of the file after the exit: when the download is on disk).
# CPU per GiB (user + system) holds better than wall time on a busy machine: other work steals the
# cores from everyone, but seldom changes how much CPU a download itself needs. The seeders' CPU per GiB
# (all of them together, during that download) shows what the swarm spent to serve it: on a machine with
# few cores the wall time follows the downloader's CPU plus the seeders'.
set -euo pipefail
awk -F'\t' -v bytes="$2" -v order="$3" '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  {
    walls[$1] = walls[$1] (walls[$1] == "" ? "" : " ") $3
    disks[$1] = disks[$1] (disks[$1] == "" ? "" : " ") ($10 == "" ? $3 : $10)
    cpus[$1] = cpus[$1] (cpus[$1] == "" ? "" : " ") sprintf("%.2f", $8 / (bytes / 1073741824))
    seeders[$1] = seeders[$1] (seeders[$1] == "" ? "" : " ") sprintf("%.2f", $9 / (bytes / 1073741824))
    if ($5 > peak[$1]) peak[$1] = $5
    if ($6 > anon[$1]) anon[$1] = $6
    runs[$1]++; if ($7 == "OK") ok[$1]++
  }
  END {
    label["metorrent"] = "MeTorrent"; label["aria2"] = "aria2c"; label["libtorrent"] = "libtorrent"
    print ""
    print "| downloader | wall time, s (median; runs) | MiB/s | CPU s/GiB, user+sys (median; runs) | seeders, CPU s/GiB serving it (median) | on disk, s (median) | peak RSS, MiB | peak anon. memory, MiB | sha256 |"
    print "|---|---|---|---|---|---|---|---|---|"
    n = split(order, names, " ")
    for (i = 1; i <= n; i++) {
      d = names[i]; if (!(d in runs)) continue
      m[d] = median(walls[d]); disk[d] = median(disks[d])
      printf "| %s | %.2f (%s) | %.0f | %.2f (%s) | %.2f | %.2f | %.0f | %.0f | %s %d/%d |\n", label[d], m[d], walls[d], \
        bytes / 1048576 / m[d], median(cpus[d]), cpus[d], median(seeders[d]), disk[d], peak[d] / 1024, anon[d] / 1024, \
        (ok[d] == runs[d] ? "OK" : "FAILED"), ok[d] + 0, runs[d]
    }
    if ("metorrent" in m) {
      print ""
      for (i = 1; i <= n; i++) {
        d = names[i]; if (d == "metorrent" || !(d in m)) continue
        if (ok[d] != runs[d] || ok["metorrent"] != runs["metorrent"]) {
          printf "MeTorrent / %s wall time: not compared, a download failed\n", label[d]; continue
        }
        r = m["metorrent"] / m[d]
        printf "MeTorrent / %s wall time: %.2f (MeTorrent is %.2fx %s)\n", label[d], r, \
          (r <= 1 ? 1 / r : r), (r <= 1 ? "as fast" : "as slow")
        r = disk["metorrent"] / disk[d]
        printf "MeTorrent / %s until on disk: %.2f\n", label[d], r
      }
    }
  }' "$1"
