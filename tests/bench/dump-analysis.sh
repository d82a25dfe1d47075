#!/bin/sh
# Dump what ingest and analysis store for an input, with no id that depends
# on the order rows were written: every row is keyed by its message's
# SHA-256 (and trap), sorted.  Used to check that a performance change leaves
# every stored row unchanged:
#   sh tests/bench/dump-analysis.sh > before.txt   (old build)
#   sh tests/bench/dump-analysis.sh > after.txt    (new build); cmp them.
# Usage: dump-analysis.sh [INPUT]   (default: the SpamAssassin corpus tgz)
# WB selects the workbench binary (default build/workbench).  INGEST_ARGS
# are given to ingest (e.g. --no-analysis); REANALYZE=1 runs reanalyze after.
root=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$root/build/workbench}
input=${1:-$(sh "$root/tests/corpus.sh")} || { echo "dump-analysis: no corpus" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export WB_NO_PROGRESS=1
"$WB" init "$tmp/c.case" > /dev/null || exit 1
"$WB" ingest "$tmp/c.case" ${INGEST_ARGS:-} "$input" > /dev/null || exit 1
if [ "${REANALYZE:-0}" = 1 ]; then "$WB" reanalyze "$tmp/c.case" > /dev/null || exit 1; fi
# The message key: sha256 and trap (the UNIQUE key of messages).
k="m.sha256 || '/' || m.trap_id"
sqlite3 -batch "$tmp/c.case" <<SQL || exit 1
.mode list
.separator "|"
.nullvalue NULL
SELECT 'message', $k, m.status, m.warnings, m.message_id, m.possible_duplicate,
	m.trap_match, m.date_header, m.date_parsed, m.date_status, m.from_addr,
	m.from_name, m.reply_to, m.return_path, m.sender, m.to_addrs, m.cc_addrs,
	m.subject, m.received_at, m.received_epoch, m.received_from, m.local_day,
	b.text, m.category, m.fingerprint, m.campaign
	FROM messages m LEFT JOIN body_texts b ON b.id = m.body ORDER BY 2;
SELECT 'location', $k, s.chain, l.offset, l.length, l.from_line, l.split
	FROM locations l JOIN messages m ON m.id = l.message JOIN sources s ON s.id = l.source_id
	ORDER BY 2, 3, 4;
SELECT 'hop', $k, h.idx, h.raw, h.from_host, h.from_rdns, h.from_ip, h.by_host,
	h.protocol, h.smtp_id, h.for_addr, h.time_text, h.time_epoch, h.time_status,
	h.trusted, h.origin, h.notes
	FROM hops h JOIN messages m ON m.id = h.message ORDER BY 2, 3;
SELECT 'artifact', $k, a.kind, a.raw, a.value, a.location
	FROM artifacts a JOIN messages m ON m.id = a.message ORDER BY 2, 3, 4, 5, 6;
SELECT 'fact', $k, f.name, f.value, f.confidence, f.evidence
	FROM facts f JOIN messages m ON m.id = f.message ORDER BY 2, 3;
SELECT 'attachment', $k, t.idx, t.filename, t.declared_type, t.sniffed_type, t.size, t.sha256
	FROM attachments t JOIN messages m ON m.id = t.message ORDER BY 2, 3;
SELECT 'finding', $k, f.statute, f.provision, f.finding, f.source, f.confidence, f.evidence, f.note
	FROM findings f JOIN messages m ON m.id = f.message ORDER BY 2, 3, 4, 5, 6, 7, 8;
SELECT 'mask', $k, hex(r.masks) FROM rule_masks r JOIN messages m ON m.id = r.message ORDER BY 2;
SELECT 'count', 'artifacts', count(*) FROM artifacts;
SELECT 'count', 'findings', count(*) FROM findings;
SQL
