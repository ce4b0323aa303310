# bench/history.jq — the last three runs kept in bench/history.jsonl (one results.json per line,
# appended by bench/run), as one Markdown table of their ratios: `bench/run --history` prints it.
def x: if . == null then "—" else (. * 100 | round / 100 | tostring) + "×" end;
def s: if . == null then "—" else (. * 100 | round / 100 | tostring) + " s" end;
[inputs] | .[-3:] |
"| run | load before | startup ≤ 1.5× | state read ≤ 1.0× | upload ≥ 0.9× | stream ≥ 0.8× | polling ≤ 2 s late | download ≥ 0.95× (without sync, transfer) | 16 pipelines: tokens | render median < 10 s |",
"|---|---|---|---|---|---|---|---|---|---|",
(.[] | .rows as $r |
  "| \(.date) | \(.machine.load_average_before | split(" ")[0]) | \($r.startup.ratio | x) | \($r.request.ratio | x) | \($r.upload.ratio | x) | \($r.stream.ratio | x) | \($r.export.polling.noticed_late_seconds | s) | \($r.export.download.throughput_ratio | x) (\($r.export.download.ratio_to_curl_without_sync | x), \($r.export.download.transfer_ratio | x)) | \($r.parallel.nemo_tokens_minted // "—") | \($r.render.seconds_median | s) |")
