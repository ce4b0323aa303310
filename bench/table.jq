# bench/table.jq — bench/results.json as a Markdown table (bench/run prints it; README quotes it).
# A ratio is shown only when both sides produced the same result (bytes, hashes, event counts).
def mib: (. / 1024 * 10 | round / 10 | tostring) + " MiB";
def x: (. * 100 | round / 100 | tostring) + "×";
def s: (. * 100 | round / 100 | tostring) + " s";
def ms: (. * 100 | round / 100 | tostring) + " ms";
def tokens: "\(.) token" + (if . == 1 then "" else "s" end);
def yes: if . then "yes" else "**no**" end;
def row($n; $what; $nemo; $curl; $result; $target; $met):
  "| \($n) | \($what) | \($nemo) | \($curl) | \($result) | \($target) | \($met) | \(.load_average_at_start // "") |";
def failed($n; $what; $r): row($n; $what; "—"; "—"; "failed: " + ($r.error | gsub("\n"; " ")); "—"; "**no**");

.rows as $r
| "bench/run \(.date): \(.machine.nproc) cores \(.machine.arch), load average \(.machine.load_average_before) before, \(.machine.load_average_after) after, \(.seconds) s",
  "",
  "| # | row | nemo | curl | result | target | met | load |",
  "|---|---|---|---|---|---|---|---|",
  ( $r.startup // empty | if .error then failed(1; "startup"; .) else
      row(1; "startup (`--version`, median of \(.runs))"; .nemo_ms | ms; .curl_ms | ms;
          .ratio | x; "≤ 1.5×"; .ok | yes) end ),
  ( $r.request // empty | if .error then failed(2; "one request"; .) else
      row(2; "one state read (median of \(.runs))"; .nemo_ms | ms; "\(.curl_jq_ms | ms) (curl \\| jq)";
          .ratio | x; "≤ 1.0×"; .ok | yes) end ),
  ( $r.upload // empty | if .error then failed(3; "upload 1 GiB"; .) else
      (.nemo.max_rss_kib <= 20480) as $rss_ok |
      row(3; "upload \(.bytes / 1048576) MiB";
          "\(.nemo.mib_s) MiB/s, RSS \(.nemo.max_rss_kib | mib)";
          "\(.curl.mib_s) MiB/s, RSS \(.curl.max_rss_kib | mib)";
          (if .sha256_match then "throughput \(.ratio | x)" else "bytes differ" end);
          "≥ 0.9×, ≤ 20 MiB"; (.sha256_match and .ratio >= 0.9 and $rss_ok) | yes) end ),
  ( $r.stream // empty | if .error then failed(4; "stream"; .) else
      (.nemo_events == .events and .curl_events == .events) as $same |
      row(4; "stream \(.events) events";
          "\(.nemo_seconds | s), RSS \(.nemo_peak_rss_kib | mib)";
          "\(.curl_seconds | s), RSS \(.curl_peak_rss_kib // null | if . then mib else "?" end)";
          (if $same then "speed \(.ratio | x)" else "event counts differ" end);
          "≥ 0.8×"; ($same and .ratio >= 0.8) | yes) end ),
  ( $r.export // empty | if .error then failed(5; "polling"; .) ,failed(6; "download"; .) else
      .load_average_at_start as $l |
      (.polling | .load_average_at_start = $l | row(5; "polling a \(.render_seconds) s render";
          "\(.noticed_late_seconds | s) late, \(.polls) polls";
          "\(.fixed_30s_loop.noticed_late_seconds) s late, \(.fixed_30s_loop.polls) poll (30 s loop)";
          "\(.noticed_late_seconds | s), \(.polls) polls"; "≤ 2 s, ≤ 12 polls"; .pass | yes)),
      (.download | .load_average_at_start = $l | row(6; "download \(.bytes / 1048576) MiB to disk";
          "\(.nemo_mib_per_s) MiB/s (hashed, fsync'ed), RSS \(.nemo_peak_rss_mib) MiB";
          "\(.curl_mib_per_s) MiB/s (curl + sync FILE), RSS \(.curl_peak_rss_mib) MiB";
          (if .sha256_equal then "throughput \(.throughput_ratio | x) (\(.ratio_to_curl_without_sync | x) of curl without sync, transfer \(.transfer_ratio | x))" else "bytes differ" end);
          "≥ 0.95×, ≤ 20 MiB"; .pass | yes)) end ),
  ( $r.parallel // empty | if .error then failed(7; "parallel"; .) else
      row(7; "\(.jobs) pipelines, xargs -P\(.jobs)";
          "\(.nemo_seconds | s), \(.nemo_tokens_minted | tokens)";
          "\(.curl_jq_seconds | s), \(.curl_jq_tokens_minted | tokens) (curl+jq, 1 s polls)";
          "\(.nemo_tokens_minted | tokens) minted"; "exactly 1 token"; .ok | yes) end ),
  ( $r["sandbox-upload"] // empty | if .error then failed(8; "sandbox upload"; .) else
      row(8; "sandbox on a \(.bytes / 1048576) MiB upload (curl -F)"; "—"; "\(.mib_s) MiB/s";
          "sandbox RSS \(.sandbox_peak_rss_kib | mib)"; "< 64 MiB"; .ok | yes) end ),
  ( $r.render // empty | if .error then failed(9; "sandbox render"; .) else
      row(9; "sandbox render, 10 s 1080p, all it draws (median of \(.seconds_all | length))";
          "\(.seconds_median | s) (best \(.seconds_best | s))"; "—";
          "\(.video.width)x\(.video.height), \(.video.duration) s"; "< 10 s"; .met | yes) end )
