-- The case file: one SQLite database per case.
--
-- Schema version 8.  The version is PRAGMA user_version; evidence/case.c
-- creates a new case from this file and upgrades older cases with the
-- migrations listed there.  Each part of the pipeline owns one section below.
--
-- Conventions: times are ISO 8601 text (UTC with 'Z' unless said otherwise)
-- plus, where they are computed with, an integer Unix epoch; money is integer
-- cents; SHA-256 is 64 lower-case hex digits; booleans are 0/1.

-- ===================================================================
-- Case and custody (evidence/case.c)
-- ===================================================================

-- Key/value facts about the case: name, filed (YYYY-MM-DD), created_at,
-- created_by, tool_version; 'relink' while the links were built by a
-- version before party_attributes.peer ('link' removes it); raw_codec, how
-- ingest stores new bytes ('zstd' or 'none', see raw).
CREATE TABLE case_info (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Append-only log of every action that changed the case or produced an
-- exhibit.  One command is one run; a run writes a 'begin' row, detail rows
-- ('source', 'import', 'finding', 'exhibit', ...) and an 'end' row.
CREATE TABLE custody (
	id INTEGER PRIMARY KEY,
	run INTEGER NOT NULL,            -- id of the run's 'begin' row
	at TEXT NOT NULL,                -- UTC time of this row
	action TEXT NOT NULL,            -- begin, end, source, import, finding, exhibit, ...
	command TEXT NOT NULL,           -- the workbench command (ingest, import, report, ...)
	operator TEXT NOT NULL,          -- login name of who ran it
	tool_version TEXT NOT NULL,
	detail TEXT                      -- command line, inputs and output hashes, counts
);
CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody
	BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody
	BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;

-- ===================================================================
-- Evidence: sources, raw bytes, message copies (evidence/ingest*.c)
-- ===================================================================

-- Every input file, folder entry or archive member that was looked at,
-- whether it held mail or not.  A member's container is parent_id.
CREATE TABLE sources (
	id INTEGER PRIMARY KEY,
	run INTEGER NOT NULL,            -- custody run that ingested it
	parent_id INTEGER REFERENCES sources(id),
	name TEXT NOT NULL,              -- path given (top level) or member name (escaped if not UTF-8)
	chain TEXT NOT NULL,             -- container chain joined by '!', e.g. box.tar.gz!a/cur/1
	depth INTEGER NOT NULL,          -- 0 for a file named on the command line
	size INTEGER,                    -- bytes of the file, or of the member as its container
	                                 -- yields it (after the container's compression), NULL if unreadable
	sha256 TEXT,                     -- of those bytes (NULL if unreadable); a top-level file's
	                                 -- SHA-256 and path identify it for resuming
	format TEXT NOT NULL,            -- tar, zip, 7z, cpio, gzip, mbox, mboxcl, message, maildir, text, binary, ...
	filters TEXT,                    -- compression filters, outermost first (gzip, xz, ...)
	role TEXT NOT NULL,              -- container, mailbox, message, not-mail, flagged, skipped
	reason TEXT,                     -- why not-mail, flagged or skipped: empty, binary data, no mail
	                                 -- headers, truncated: ..., corrupt: ..., encrypted member,
	                                 -- too deep: ..., decompression bomb ..., decompression budget
	                                 -- exceeded, message over size limit (...), Maildir tmp/ ...
	messages INTEGER NOT NULL DEFAULT 0,  -- copies found directly in it
	complete INTEGER NOT NULL DEFAULT 0,  -- top level only: fully ingested (resume skips it)
	ingested_at TEXT NOT NULL
);
CREATE INDEX sources_sha ON sources(sha256);
CREATE INDEX sources_parent ON sources(parent_id);
-- What ingest reports of its own run (WB_RUN_* in workbench/cli/wb.h):
-- without it, a 10-message ingest into a case of 1,000,000 copies read
-- the whole messages table to count its malformed copies (34,629 pages).
CREATE INDEX sources_run ON sources(run);

-- The exact bytes of every distinct message, once.  size and sha256 are
-- those of the bytes as found; bytes holds them as they are (codec 'none')
-- or as one standard zstd frame of them (codec 'zstd', only when it is at
-- most 15/16 of them): `zstd -d` or 'workbench show --raw' gives them back.
CREATE TABLE raw (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,
	size INTEGER NOT NULL,
	bytes BLOB NOT NULL,
	codec TEXT NOT NULL DEFAULT 'none'   -- 'none' or 'zstd' (evidence/case.h)
);

-- Trap accounts (import CASE traps FILE.csv).
CREATE TABLE traps (
	id INTEGER PRIMARY KEY,
	address TEXT NOT NULL UNIQUE,    -- lower case
	holder TEXT,
	state TEXT,                      -- two-letter state of residence of the holder
	provider TEXT,
	provider_state TEXT,             -- state where the provider's equipment is
	timezone TEXT NOT NULL DEFAULT 'UTC',  -- IANA name
	hosts TEXT                       -- provider's own hosts, ';'-separated (trust boundary)
);

-- One row per delivered copy: identity is (ident, trap_id).  ident is the
-- SHA-256 of the bytes with every leading '>' taken off each line matching
-- ^>+From (mbox quoting; wb_copy_ident in evidence/case.h), so the same
-- delivery exported to an mbox and to a Maildir is one copy with two
-- locations; it equals sha256 when no line is quoted.  sha256 and raw_id
-- are the bytes where the copy was first met; each location keeps its own
-- (locations.raw_id).  trap_id 0 means no trap account matched; such copies
-- are kept and listed.
-- Each distinct displayed text once (a campaign sends the same text to
-- every trap): key is wb_text_key of the text, the first 8 bytes of its
-- SHA-256, big-endian, signed (evidence/case.h).  messages.body names a
-- row; a text no copy names any more (after reanalyze) stays, unread.
CREATE TABLE body_texts (
	id INTEGER PRIMARY KEY,
	key INTEGER NOT NULL,
	text TEXT NOT NULL
);
CREATE INDEX body_texts_key ON body_texts(key);

CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL,
	raw_id INTEGER NOT NULL REFERENCES raw(id),
	trap_id INTEGER NOT NULL DEFAULT 0,
	trap_match TEXT NOT NULL DEFAULT 'none',  -- delivered-to, x-original-to, envelope-to, to, cc, path, none
	status TEXT NOT NULL,            -- ok, malformed (kept, parsed with warnings), unparsed
	warnings TEXT,                   -- '; '-separated reasons
	message_id TEXT,                 -- without angle brackets
	possible_duplicate INTEGER NOT NULL DEFAULT 0, -- another copy has this Message-ID with other bytes
	date_header TEXT,                -- Date as written
	date_parsed TEXT,                -- ISO 8601 with the header's offset
	date_status TEXT NOT NULL DEFAULT 'absent',  -- ok, absent, invalid, no-zone
	from_addr TEXT, from_name TEXT,
	reply_to TEXT, return_path TEXT, sender TEXT,
	to_addrs TEXT, cc_addrs TEXT,    -- ', '-separated addresses
	subject TEXT,                    -- decoded to UTF-8
	received_at TEXT,                -- ISO 8601 with offset, as the dating header gives it
	received_epoch INTEGER,
	received_from TEXT NOT NULL DEFAULT 'none',  -- received, date, none
	local_day TEXT,                  -- YYYY-MM-DD in the trap's time zone
	body INTEGER REFERENCES body_texts(id),  -- displayed text (analysis stage)
	category TEXT,                   -- content category (analysis stage)
	fingerprint INTEGER,             -- 64-bit near-duplicate simhash (analysis stage)
	campaign INTEGER,                -- near-duplicate group number (analysis stage)
	ident TEXT,                      -- identity (see above); never NULL since version 2
	UNIQUE (sha256, trap_id)
);
CREATE UNIQUE INDEX messages_ident ON messages(ident, trap_id);
CREATE INDEX messages_msgid ON messages(message_id);
CREATE INDEX messages_trap ON messages(trap_id, received_epoch);

-- Every place a copy was found.  The first location is where it was first met.
CREATE TABLE locations (
	id INTEGER PRIMARY KEY,
	message INTEGER NOT NULL REFERENCES messages(id),
	source_id INTEGER NOT NULL REFERENCES sources(id),
	offset INTEGER NOT NULL,         -- in the decompressed source
	length INTEGER NOT NULL,
	from_line TEXT,                  -- mbox From_ line, without its newline
	split TEXT NOT NULL,             -- whole, mbox-from, mboxrd, mboxcl-length
	raw_id INTEGER REFERENCES raw(id),  -- the bytes found here (the message's, or a copy
	                                 -- that differs from them only by >From quoting)
	UNIQUE (message, source_id, offset)
);
CREATE INDEX locations_source ON locations(source_id);

-- ===================================================================
-- Analysis (evidence/analyze*.c): hops, artifacts, facts, attachments
-- Rows for a copy are replaced whole when it is analysed again.
--
-- messages.body names the displayed text in body_texts (text/plain, else
-- the HTML's visible text); messages.category the fact 'category'; messages.fingerprint
-- a 64-bit simhash (signed) over 3-word shingles of the body with URLs,
-- e-mail addresses and numbers masked; messages.campaign groups copies whose
-- fingerprints are within Hamming distance 3 (WB_SIMHASH_THRESHOLD, joined
-- transitively), numbered 1, 2, ... in order of each group's smallest
-- messages.id.  See evidence/analyze.h.
-- ===================================================================

-- The Received chain, topmost first (idx 0 = added last, by the provider).
-- Host names, addresses, the protocol and the for-address repeat across
-- copies (the provider's own hosts in every copy): each distinct one is
-- stored once, in hop_names, and message_hops refers to it by id.  The
-- view hops presents one row per hop with the text, as readers use it;
-- rows are inserted and deleted through it or in the two tables.
CREATE TABLE hop_names (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);
CREATE TABLE message_hops (
	message INTEGER NOT NULL REFERENCES messages(id),
	idx INTEGER NOT NULL,
	raw TEXT NOT NULL,               -- the header as written, unfolded
	from_host INTEGER,               -- hop_names: name the sender claimed (HELO)
	from_rdns INTEGER,               -- hop_names: reverse-DNS name in the parentheses
	from_ip INTEGER,                 -- hop_names
	by_host INTEGER,                 -- hop_names
	protocol INTEGER,                -- hop_names: with ...
	smtp_id TEXT,                    -- id ...
	for_addr INTEGER,                -- hop_names: for <...>
	time_text TEXT,
	time_epoch INTEGER,
	time_status TEXT NOT NULL,       -- ok, absent, invalid, no-zone
	trusted INTEGER NOT NULL DEFAULT 0,   -- added by the trap's own provider
	origin INTEGER NOT NULL DEFAULT 0,    -- the first hop outside the provider
	notes TEXT,                      -- '; '-separated inconsistencies found, each
	                                 -- "KIND: detail"; KIND is helo-mismatch,
	                                 -- time-order (a lower hop is later, > 5 min),
	                                 -- time-reversed (> 24 h), private-ip (origin),
	                                 -- no-ip, chain-break (by-host is not the host
	                                 -- the hop above received from), provider-claim
	                                 -- (a provider host below the boundary), bad-date
	PRIMARY KEY (message, idx)
) WITHOUT ROWID;
CREATE VIEW hops (message, idx, raw, from_host, from_rdns, from_ip, by_host, protocol,
	smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes) AS
SELECT h.message, h.idx, h.raw, n1.name, n2.name, n3.name, n4.name, n5.name, h.smtp_id,
	n6.name, h.time_text, h.time_epoch, h.time_status, h.trusted, h.origin, h.notes
FROM message_hops h LEFT JOIN hop_names n1 ON n1.id = h.from_host
	LEFT JOIN hop_names n2 ON n2.id = h.from_rdns LEFT JOIN hop_names n3 ON n3.id = h.from_ip
	LEFT JOIN hop_names n4 ON n4.id = h.by_host LEFT JOIN hop_names n5 ON n5.id = h.protocol
	LEFT JOIN hop_names n6 ON n6.id = h.for_addr;
CREATE TRIGGER hops_insert INSTEAD OF INSERT ON hops BEGIN
	INSERT OR IGNORE INTO hop_names (name) SELECT v FROM (SELECT 1 AS k, NEW.from_host AS v
		UNION ALL SELECT 2, NEW.from_rdns UNION ALL SELECT 3, NEW.from_ip
		UNION ALL SELECT 4, NEW.by_host UNION ALL SELECT 5, NEW.protocol
		UNION ALL SELECT 6, NEW.for_addr) WHERE v IS NOT NULL ORDER BY k;
	INSERT INTO message_hops (message, idx, raw, from_host, from_rdns, from_ip, by_host,
		protocol, smtp_id, for_addr, time_text, time_epoch, time_status, trusted, origin, notes)
	VALUES (NEW.message, NEW.idx, NEW.raw,
		(SELECT id FROM hop_names WHERE name = NEW.from_host),
		(SELECT id FROM hop_names WHERE name = NEW.from_rdns),
		(SELECT id FROM hop_names WHERE name = NEW.from_ip),
		(SELECT id FROM hop_names WHERE name = NEW.by_host),
		(SELECT id FROM hop_names WHERE name = NEW.protocol), NEW.smtp_id,
		(SELECT id FROM hop_names WHERE name = NEW.for_addr), NEW.time_text, NEW.time_epoch,
		NEW.time_status, coalesce(NEW.trusted, 0), coalesce(NEW.origin, 0), NEW.notes);
END;
CREATE TRIGGER hops_delete INSTEAD OF DELETE ON hops BEGIN
	DELETE FROM message_hops WHERE message = OLD.message AND idx = OLD.idx;
END;

-- Contact data extracted from a copy.  kind is one of: email, phone, url,
-- domain, postal, ip, affiliate_id.  value is normalized: email lower case;
-- phone E.164 (+18005551234); url as found, with scheme and host lower case;
-- domain the registrable domain (libpsl); postal "123 MAIN ST STE 4, SPRINGFIELD,
-- IL 62701" (USPS abbreviations, upper case, ZIP5); ip as written;
-- affiliate_id "DOMAIN KEY=VALUE" (registrable domain of the link, parameter
-- name lower case, value as found).
--
-- A campaign repeats the same few values in every copy, so each distinct
-- (kind, value) is stored once, in artifact_values, and each copy keeps
-- what it found in one row of message_artifacts: items, a JSON array with
-- one element per artifact in the order analysis found them, each
-- [value, raw, location]: value the artifact_values id, raw the text as it
-- stood in the message (null where it is the value), location where it was
-- found (header:From, header:Reply-To, body:text, body:href, body:src,
-- hop:0, ...).  An artifact is identified by its copy and its position
-- there (idx, from 0): message_parties.artifact is that position.  An
-- artifact deleted leaves null in its place, so that the others keep
-- their positions.  Version 6 numbered all artifacts of a case in one
-- sequence, each copy's in order: first_id keeps the number of an
-- upgraded copy's first one, so that the case digest of attributions made
-- before the upgrade stays the same (reports/README.md).
--
-- The view artifacts presents one row per copy and artifact, in that
-- order, as readers use it (its joins in that order: a condition on a
-- copy reads only its items).  Rows come by copy (message_artifacts in
-- rowid order, so ORDER BY message costs no sort), and a copy's by idx as
-- json_each walks the array: link reads every artifact that way, without a
-- sort, and tests/unit/test-attrib-read.c pins the order on the SQLite it
-- is built with (ORDER BY message, idx sorts every row).  The standard
-- sqlite3 shell (3.38 or later) reads the JSON too, with json_each and ->>:
--   SELECT a.message, j.key AS idx, v.kind, v.value, j.value->>2 AS location
--   FROM message_artifacts a, json_each(a.items) j
--   JOIN artifact_values v ON v.id = j.value->>0 WHERE a.message = 5;
-- Rows are inserted (appended to the copy's items) and deleted through the
-- view, or written in the tables.  A value no copy refers to any more
-- (after reanalyze) stays in artifact_values and is never shown.
--
-- artifact_copies answers "which copies carry this value": one row per
-- value and copy that has it.  Ingest and reanalyze add a new copy's rows
-- (an ingest that more than doubles a large case adds them sorted, before
-- its commit), the view's INSERT trigger those of the rows it adds, and
-- the triggers on message_artifacts keep them when a row is updated or
-- deleted; a row inserted into message_artifacts by hand must add its own
-- (INSERT INTO artifact_copies SELECT DISTINCT j.value->>0, a.message FROM
-- message_artifacts a, json_each(a.items) j WHERE a.message = ...).  By kind and value:
--   SELECT c.message FROM artifact_values v JOIN artifact_copies c ON c.value = v.id
--   WHERE v.kind = 'phone' AND v.value = '+18005551234';
-- by kind alone as messages --has reads it (the view would parse every
-- copy's items: 0.30 s against 0.04 s of CPU on 25,000 copies):
--   SELECT DISTINCT c.message FROM artifact_values v JOIN artifact_copies c
--   ON c.value = v.id WHERE v.kind = 'phone';
-- and those copies' rows of the view (a condition on kind and value alone
-- reads every copy's items):
--   SELECT * FROM artifacts WHERE message IN (SELECT c.message FROM artifact_values v
--     JOIN artifact_copies c ON c.value = v.id WHERE v.kind = 'phone'
--     AND v.value = '+18005551234') AND kind = 'phone' AND value = '+18005551234';
CREATE TABLE artifact_values (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,             -- normalized
	UNIQUE (kind, value)
);
CREATE TABLE message_artifacts (
	message INTEGER PRIMARY KEY REFERENCES messages(id),
	items TEXT NOT NULL,             -- JSON: [[value, raw, location], ...]
	first_id INTEGER                 -- upgraded from version 6: the id its first artifact
	                                 -- had there (the others first_id + idx), which the case
	                                 -- digest gives message_parties.artifact; else NULL
);
CREATE TABLE artifact_copies (
	value INTEGER NOT NULL,          -- artifact_values(id)
	message INTEGER NOT NULL,        -- message_artifacts(message)
	PRIMARY KEY (value, message)
) WITHOUT ROWID;
CREATE TRIGGER artifact_copies_delete AFTER DELETE ON message_artifacts BEGIN
	DELETE FROM artifact_copies WHERE message = OLD.message
	AND value IN (SELECT j.value->>0 FROM json_each(OLD.items) j);
END;
CREATE TRIGGER artifact_copies_update AFTER UPDATE ON message_artifacts BEGIN
	DELETE FROM artifact_copies WHERE message = OLD.message
	AND value IN (SELECT j.value->>0 FROM json_each(OLD.items) j);
	INSERT INTO artifact_copies (value, message)
	SELECT DISTINCT j.value->>0, NEW.message FROM json_each(NEW.items) j WHERE j.type = 'array';
END;
CREATE VIEW artifacts (message, idx, kind, raw, value, location) AS
SELECT a.message, j.key, v.kind, coalesce(j.value->>1, v.value), v.value, j.value->>2
FROM message_artifacts a CROSS JOIN json_each(a.items) j
	CROSS JOIN artifact_values v ON v.id = j.value->>0;
CREATE TRIGGER artifacts_insert INSTEAD OF INSERT ON artifacts BEGIN
	INSERT OR IGNORE INTO artifact_values (kind, value) VALUES (NEW.kind, NEW.value);
	INSERT INTO message_artifacts (message, items)
	VALUES (NEW.message, json_array(json_array(
		(SELECT id FROM artifact_values WHERE kind = NEW.kind AND value = NEW.value),
		nullif(NEW.raw, NEW.value), NEW.location)))
	ON CONFLICT (message) DO UPDATE SET items = json_insert(items, '$[#]', json(excluded.items)->0);
	INSERT INTO artifact_copies (value, message)
	SELECT v.id, NEW.message FROM artifact_values v WHERE v.kind = NEW.kind AND v.value = NEW.value
	AND NOT EXISTS (SELECT 1 FROM artifact_copies c WHERE c.value = v.id AND c.message = NEW.message);
END;
CREATE TRIGGER artifacts_delete INSTEAD OF DELETE ON artifacts BEGIN
	UPDATE message_artifacts SET items = json_replace(items, '$[' || OLD.idx || ']', NULL)
	WHERE message = OLD.message;
	DELETE FROM message_artifacts WHERE message = OLD.message
	AND NOT EXISTS (SELECT 1 FROM json_each(items) WHERE type != 'null');
END;

-- Facts the statutes ask about, one row per copy and fact name.  value is
-- '1' or '0' for yes/no facts, else text.  confidence: certain (objective)
-- or indicator (heuristic).  The names (the statute rules read these):
--   subject_adv               Subject begins with exactly "ADV:"
--   subject_adv_adult         Subject begins with exactly "ADV:ADULT"
--   subject_sexually_explicit Subject begins with "SEXUALLY-EXPLICIT:"
--   opt_out                   an opt-out mechanism is present; evidence: the notice
--   opt_out_kinds             text: list-unsubscribe;link;reply;instruction
--   opt_out_toll_free         a toll-free (8xx) number is given to opt out
--   sender_legal_name         a legal name of the sender appears (Inc, LLC, ...)
--   sender_street_address     a postal address of the sender appears
--   from_domain_valid         the From domain is a syntactically valid registrable domain
--   header_forged             a Received line below the boundary looks forged (indicator)
--   helo_mismatch             origin HELO name differs from its reverse-DNS name (indicator)
--   date_mismatch             Date header more than 24 hours from receipt (indicator)
--   category                  text: adult, pharmacy, mortgage, stocks, jobs, 419,
--                             phishing, software, other
--   sexual_content            the adult lexicon matched (indicator)
-- Also recorded when present (text, certain): dkim_domain and dkim_selector
-- (DKIM-Signature d= and s=, not verified; evidence: the signature header),
-- x_mailer.  Artifact locations: header:From, header:Reply-To, header:Sender,
-- header:Return-Path, header:Message-ID, header:List-Unsubscribe,
-- header:DKIM-Signature, body:text, body:href, body:src, LOCATION>redirect
-- (a URL carried inside another URL found at LOCATION), hop:N, origin.
--
-- A campaign gives its copies the same facts with the same evidence, so
-- each distinct (name, value, confidence, evidence) is stored once, in
-- fact_values, its name once in fact_names, and each copy keeps only which
-- (message_facts).  message_facts keeps the name's id beside the value's,
-- so that its primary key holds one value per name per copy, as facts'
-- did.  The view facts presents one row per copy and name, as readers use
-- it; rows are inserted, updated and deleted through it or in the tables.
-- A value no copy refers to any more (after reanalyze) stays, unread.
CREATE TABLE fact_names (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);
CREATE TABLE fact_values (
	id INTEGER PRIMARY KEY,
	name INTEGER NOT NULL,           -- fact_names(id)
	value TEXT NOT NULL,
	confidence TEXT NOT NULL,        -- certain, indicator
	evidence TEXT
);
CREATE INDEX fact_values_key ON fact_values(name, value, confidence, evidence);
CREATE TABLE message_facts (
	message INTEGER NOT NULL REFERENCES messages(id),
	name INTEGER NOT NULL,           -- fact_names(id), the name of value
	value INTEGER NOT NULL,          -- fact_values(id)
	PRIMARY KEY (message, name)
) WITHOUT ROWID;
CREATE VIEW facts (message, name, value, confidence, evidence) AS
SELECT f.message, n.name, v.value, v.confidence, v.evidence
FROM message_facts f JOIN fact_names n ON n.id = f.name JOIN fact_values v ON v.id = f.value;
CREATE TRIGGER facts_insert INSTEAD OF INSERT ON facts BEGIN
	SELECT RAISE(ABORT, 'NOT NULL constraint failed: facts.name') WHERE NEW.name IS NULL;
	INSERT OR IGNORE INTO fact_names (name) VALUES (NEW.name);
	INSERT INTO fact_values (name, value, confidence, evidence)
	SELECT n.id, NEW.value, coalesce(NEW.confidence, 'certain'), NEW.evidence FROM fact_names n
	WHERE n.name = NEW.name AND NOT EXISTS (SELECT 1 FROM fact_values v WHERE v.name = n.id
		AND v.value = NEW.value AND v.confidence = coalesce(NEW.confidence, 'certain')
		AND v.evidence IS NEW.evidence);
	INSERT INTO message_facts (message, name, value)
	SELECT NEW.message, n.id, (SELECT v.id FROM fact_values v WHERE v.name = n.id
		AND v.value = NEW.value AND v.confidence = coalesce(NEW.confidence, 'certain')
		AND v.evidence IS NEW.evidence) FROM fact_names n WHERE n.name = NEW.name;
END;
CREATE TRIGGER facts_delete INSTEAD OF DELETE ON facts BEGIN
	DELETE FROM message_facts WHERE message = OLD.message
		AND name = (SELECT id FROM fact_names WHERE name = OLD.name);
END;
CREATE TRIGGER facts_update INSTEAD OF UPDATE ON facts BEGIN
	DELETE FROM message_facts WHERE message = OLD.message
		AND name = (SELECT id FROM fact_names WHERE name = OLD.name);
	INSERT INTO facts (message, name, value, confidence, evidence)
	VALUES (NEW.message, NEW.name, NEW.value, NEW.confidence, NEW.evidence);
END;

-- Attachments of a copy.
CREATE TABLE attachments (
	message INTEGER NOT NULL REFERENCES messages(id),
	idx INTEGER NOT NULL,
	filename TEXT,
	declared_type TEXT,
	sniffed_type TEXT,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	PRIMARY KEY (message, idx)
) WITHOUT ROWID;

-- ===================================================================
-- Statutes, findings, incidents (workbench/damages*.c)
-- ===================================================================

-- The statute rule files in force for the case (templates/statutes/*.ini or
-- an edited copy), stored whole with their SHA-256.  Empty: the built-in set
-- is used read-only.  Replaced whole by wb_statutes_install().
CREATE TABLE statutes (
	id TEXT PRIMARY KEY,             -- e.g. ca-17529.5
	citation TEXT NOT NULL,
	jurisdiction TEXT NOT NULL,      -- two-letter state, or US
	effective TEXT NOT NULL,         -- YYYY-MM-DD
	file TEXT NOT NULL,              -- file name, e.g. ca-17529.5.ini
	origin TEXT NOT NULL,            -- built-in, or the path it was read from
	sha256 TEXT NOT NULL,            -- of content
	content TEXT NOT NULL,           -- the file's bytes
	run INTEGER NOT NULL,            -- custody run that stored it
	loaded_at TEXT NOT NULL
);

-- Findings per copy x statute x provision.  source 'rule': a violation the
-- statute's check found in the copy's facts (wb_rules_apply(); rows are
-- replaced whole at each application; a rule that finds nothing writes no
-- row).  source 'analyst': import CASE findings / finding, one row per
-- (message, statute, provision), replaced by a later finding (the custody
-- log keeps every change).  Analyst findings override rule findings.
-- provision '*' covers every provision of the statute; statute '*' with
-- provision 'commercial' and finding 'no-violation' takes the copy out of
-- every statute (consented, or not commercial); provision 'commercial' with
-- one statute takes it out of that statute; provision 'nexus' says whether
-- the copy is within the statute's reach (violation: yes, e.g. sent from the
-- state; no-violation: no), over what the trap's states show.
--
-- Stored in three tables, as the view findings presents them: each
-- distinct statute and provision once (finding_provisions), each distinct
-- finding, confidence and evidence once (finding_texts: a rule's evidence
-- repeats across a campaign), and per row the copy, its source, note, run
-- and time (finding_rows, whose id is findings.id).  The rule findings of
-- a run share one time: finding_runs holds it (the first time a finding of
-- the run was stored with), and finding_rows.at is NULL where it is that
-- time; the view gives it.  A rule row's run is the run that wrote it: a
-- reanalyze whose analysis of a copy gives the same rule rows (provisions
-- and texts, in id order, no note) leaves them, with their ids, run and
-- time, and writes the copy's rows again, by its own run, only when they
-- differ.
CREATE TABLE finding_provisions (
	id INTEGER PRIMARY KEY,
	statute TEXT NOT NULL,           -- statute id or '*'
	provision TEXT NOT NULL,         -- provision id, '*', 'commercial' or 'nexus'
	UNIQUE (statute, provision)
);
CREATE TABLE finding_texts (
	id INTEGER PRIMARY KEY,
	finding TEXT NOT NULL CHECK (finding IN ('violation', 'no-violation')),
	confidence TEXT NOT NULL CHECK (confidence IN ('certain', 'indicator')),
	evidence TEXT                    -- rule: the facts and their evidence; analyst: the input line
);
CREATE INDEX finding_texts_key ON finding_texts(finding, confidence, evidence);
CREATE TABLE finding_rows (
	id INTEGER PRIMARY KEY,          -- findings.id
	message INTEGER NOT NULL REFERENCES messages(id),
	provision INTEGER NOT NULL,      -- finding_provisions(id)
	source TEXT NOT NULL CHECK (source IN ('rule', 'analyst')),
	text INTEGER NOT NULL,           -- finding_texts(id)
	note TEXT,                       -- analyst's note
	run INTEGER NOT NULL,            -- custody run that wrote it
	at TEXT                          -- NULL: finding_runs.at of run
);
CREATE TABLE finding_runs (
	run INTEGER PRIMARY KEY,         -- custody run
	at TEXT NOT NULL                 -- the time most of its findings have
);
-- One analyst finding per copy, statute and provision (a later one replaces
-- it); rule rows, millions in a large case, carry only the message index.
CREATE UNIQUE INDEX findings_analyst ON finding_rows(message, provision) WHERE source = 'analyst';
CREATE INDEX findings_message ON finding_rows(message);
CREATE VIEW findings (id, message, statute, provision, finding, source, confidence, evidence,
	note, run, at) AS
SELECT f.id, f.message, p.statute, p.provision, t.finding, f.source, t.confidence, t.evidence,
	f.note, f.run, coalesce(f.at, (SELECT r.at FROM finding_runs r WHERE r.run = f.run))
FROM finding_rows f JOIN finding_provisions p ON p.id = f.provision
	JOIN finding_texts t ON t.id = f.text;
CREATE TRIGGER findings_insert INSTEAD OF INSERT ON findings BEGIN
	SELECT RAISE(ABORT, 'NOT NULL constraint failed: findings.statute, provision or at')
		WHERE NEW.statute IS NULL OR NEW.provision IS NULL OR NEW.at IS NULL;
	INSERT OR IGNORE INTO finding_provisions (statute, provision) VALUES (NEW.statute, NEW.provision);
	INSERT OR IGNORE INTO finding_runs (run, at) VALUES (NEW.run, NEW.at);
	INSERT INTO finding_texts (finding, confidence, evidence)
	SELECT NEW.finding, coalesce(NEW.confidence, 'certain'), NEW.evidence
	WHERE NOT EXISTS (SELECT 1 FROM finding_texts WHERE finding = NEW.finding
		AND confidence = coalesce(NEW.confidence, 'certain') AND evidence IS NEW.evidence);
	INSERT INTO finding_rows (id, message, provision, source, text, note, run, at)
	VALUES (NEW.id, NEW.message, (SELECT id FROM finding_provisions WHERE statute = NEW.statute
		AND provision = NEW.provision), NEW.source, (SELECT id FROM finding_texts
		WHERE finding = NEW.finding AND confidence = coalesce(NEW.confidence, 'certain')
		AND evidence IS NEW.evidence), NEW.note, NEW.run,
		nullif(NEW.at, (SELECT at FROM finding_runs WHERE run = NEW.run)));
END;
CREATE TRIGGER findings_delete INSTEAD OF DELETE ON findings BEGIN
	DELETE FROM finding_rows WHERE id = OLD.id;
END;
CREATE TRIGGER findings_update INSTEAD OF UPDATE ON findings BEGIN
	DELETE FROM finding_rows WHERE id = OLD.id;
	INSERT INTO findings (id, message, statute, provision, finding, source, confidence, evidence,
		note, run, at) VALUES (NEW.id, NEW.message, NEW.statute, NEW.provision, NEW.finding,
		NEW.source, NEW.confidence, NEW.evidence, NEW.note, NEW.run, NEW.at);
END;

-- The rule findings of each copy with facts as bit masks, for damages to
-- read instead of evaluating every fact again: for each statute of the set
-- case_info 'rules_statutes' names, in id order, 4 bytes 'certain' and 4
-- bytes 'indicator' (little-endian), bit N for the Nth provision of its
-- file.  Written with the findings by wb_rules_apply().
CREATE TABLE rule_masks (
	message INTEGER PRIMARY KEY REFERENCES messages(id),
	masks BLOB NOT NULL
);

-- Incidents (the message groups of per-incident caps) are not stored: they
-- depend on the --incident definition counsel choose, so damages computes
-- them on each run from messages.campaign and messages.local_day, and the
-- exhibits list them (wb_damages_t.incidents).

-- What damages reads of every copy, without the rows' bodies.
CREATE INDEX messages_damages ON messages(trap_id, local_day, campaign);
-- What the campaigns pass (wb_analyze_campaigns) reads of every copy after
-- each ingest and reanalyze, without the rows' bodies: 4 MB at 200,000
-- copies where the rows are 113 MB.
CREATE INDEX messages_campaign ON messages(fingerprint, campaign);

-- ===================================================================
-- Attribution (workbench/attrib*.c): parties, links
-- ===================================================================

-- Parties: the roster counsel got in discovery (import CASE parties FILE.csv,
-- derived = 0) and the entities found in the evidence by 'link' (derived = 1:
-- sending infrastructure by origin IP, sender domains, advertised domains,
-- affiliate ids that match no roster party).  'link' replaces derived rows.
CREATE TABLE parties (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL,              -- sender, affiliate, advertiser, other
	derived INTEGER NOT NULL DEFAULT 0,  -- 0 imported, 1 found in evidence
	source TEXT                      -- roster "FILE:LINE", or what it was derived from
);
CREATE INDEX parties_name ON parties(name COLLATE NOCASE);

-- What is known of a party, one normalized value per row.  kind is one of
-- name, contact, email, phone, address, country, payee, domain, affiliate_id,
-- ip, or the name of another roster column (kept, not compared).  Rows with
-- message NULL come from the roster; the others were found by 'link' in the
-- messages attributed to the party (message = the first such copy, messages =
-- how many carry it) and are replaced by each 'link'.
CREATE TABLE party_attributes (
	id INTEGER PRIMARY KEY,
	party INTEGER NOT NULL REFERENCES parties(id),
	kind TEXT NOT NULL,
	raw TEXT NOT NULL,               -- as written in the roster or the message
	value TEXT,                      -- normalized (NULL: could not be normalized)
	source TEXT NOT NULL,            -- "roster FILE:LINE column", or "message N LOCATION"
	message INTEGER,                 -- first message carrying it (NULL: roster)
	messages INTEGER NOT NULL DEFAULT 0, -- copies carrying it (0: roster or derived)
	peer INTEGER                     -- NULL: the party's own value (roster, or the
	                                 -- value a derived party is named after); else
	                                 -- the party named in those messages by this
	                                 -- value, with whom it is shared (rule 2 of
	                                 -- attribution.ini)
);
CREATE INDEX party_attributes_value ON party_attributes(kind, value);
CREATE INDEX party_attributes_party ON party_attributes(party);

-- Links between two parties (party_a < party_b), built by 'link'.  score is
-- the sum of the weights of the shared values (templates/attribution/
-- attribution.ini documents weights and thresholds); review is the analyst's
-- decision ('review' command), kept across rebuilds.
CREATE TABLE links (
	id INTEGER PRIMARY KEY,
	party_a INTEGER NOT NULL REFERENCES parties(id),
	party_b INTEGER NOT NULL REFERENCES parties(id),
	score REAL NOT NULL,
	strength TEXT NOT NULL,          -- none, weak, moderate, strong
	review TEXT,                     -- NULL, confirmed, rejected
	note TEXT,                       -- the analyst's note with the review
	summary TEXT,                    -- one line a person reads
	UNIQUE (party_a, party_b)
);

-- The evidence of each link: one row per shared normalized value.  The rows
-- of party_attributes behind it are those of party_a and party_b with this
-- kind and value.
CREATE TABLE link_evidence (
	link INTEGER NOT NULL REFERENCES links(id),
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	weight REAL NOT NULL,            -- kind weight x specificity
	parties INTEGER NOT NULL,        -- how many parties have this value
	PRIMARY KEY (link, kind, value)
) WITHOUT ROWID;

-- Who each message is attributed to, with the evidence: role sender (From,
-- Return-Path, origin hop), affiliate (affiliate id in a link), advertiser
-- (registrable domain a link leads to), mentioned (a party's e-mail address,
-- phone or postal address in the body: a mention does not attribute the
-- message, it only names the party).  message and party are ids of
-- messages and parties; not declared as foreign keys because 'link' writes
-- several rows per copy (millions) and replaces them all in one transaction.
CREATE TABLE message_parties (
	message INTEGER NOT NULL,        -- messages(id)
	party INTEGER NOT NULL,          -- parties(id)
	role TEXT NOT NULL,
	kind TEXT NOT NULL,              -- the kind of value that matched
	value TEXT NOT NULL,
	location TEXT NOT NULL,          -- where in the message (header:From, body:href, hop:origin, ...)
	artifact INTEGER,                -- artifacts.idx in the copy, NULL for header fields and hops
	PRIMARY KEY (message, party, role, kind, value)
) WITHOUT ROWID;
CREATE INDEX message_parties_party ON message_parties(party);

-- Clusters: connected components of the links that are moderate or stronger,
-- or confirmed, leaving out rejected links.  Numbered by smallest member id.
CREATE TABLE clusters (
	id INTEGER PRIMARY KEY,
	size INTEGER NOT NULL
);
CREATE TABLE cluster_members (
	cluster INTEGER NOT NULL REFERENCES clusters(id),
	party INTEGER NOT NULL REFERENCES parties(id),
	PRIMARY KEY (cluster, party)
) WITHOUT ROWID;

-- ===================================================================
-- Views for analysts (the shell documents them)
-- ===================================================================

-- Each view makes a common question one short query in the shell or with
-- 'workbench sql'.  They read only the tables above; views over findings,
-- parties and links come with those tables.

-- One row per delivered copy: its trap (NULL when no trap matched), the day
-- of receipt in the trap's time zone, sender, subject, parse status, and the
-- container chain of the place it was first found.
--   SELECT trap, local_day, count(*) FROM v_copies GROUP BY 1, 2;
CREATE VIEW v_copies AS
SELECT m.id, t.address AS trap, m.local_day, m.received_at, m.from_addr, m.from_name,
	m.subject, m.status, m.message_id, m.sha256, m.category, m.campaign,
	(SELECT s.chain FROM locations l JOIN sources s ON s.id = l.source_id
	  WHERE l.message = m.id ORDER BY l.id LIMIT 1) AS source,
	(SELECT count(*) FROM locations l WHERE l.message = m.id) AS locations
FROM messages m LEFT JOIN traps t ON t.id = m.trap_id;

-- Every input file and archive member, with how it was read and by whom.
--   SELECT chain, reason FROM v_sources WHERE role IN ('flagged', 'skipped');
CREATE VIEW v_sources AS
SELECT s.id, s.chain, s.depth, s.format, s.filters, s.role, s.reason, s.size, s.sha256,
	s.messages, s.complete, s.ingested_at, c.operator AS ingested_by
FROM sources s LEFT JOIN custody c ON c.id = s.run;

-- The custody log, each row beside the command line of its run.
--   SELECT at, action, operator, detail FROM v_custody WHERE command = 'report';
CREATE VIEW v_custody AS
SELECT c.id, c.run, c.at, c.action, c.command, c.operator, c.tool_version, c.detail,
	b.detail AS run_command_line
FROM custody c LEFT JOIN custody b ON b.id = c.run AND b.action = 'begin';

-- Each trap account with its copies and the first and last day of receipt.
CREATE VIEW v_traps AS
SELECT t.address, t.holder, t.state, t.provider, t.provider_state, t.timezone,
	count(m.id) AS copies, count(DISTINCT m.local_day) AS days,
	min(m.local_day) AS first_day, max(m.local_day) AS last_day
FROM traps t LEFT JOIN messages m ON m.trap_id = t.id
GROUP BY t.id;

-- Copies per trap and local day (per-day caps count these days).
CREATE VIEW v_days AS
SELECT t.address AS trap, m.local_day, count(*) AS copies
FROM messages m JOIN traps t ON t.id = m.trap_id
GROUP BY t.address, m.local_day;

-- Contact data with the copies and traps it appears in.
--   SELECT value, copies FROM v_artifacts WHERE kind = 'phone' ORDER BY copies DESC;
CREATE VIEW v_artifacts AS
SELECT a.kind, a.value, count(DISTINCT a.message) AS copies,
	count(DISTINCT m.trap_id) AS traps, min(a.raw) AS example
FROM artifacts a JOIN messages m ON m.id = a.message
GROUP BY a.kind, a.value;

-- The first hop outside the trap's provider, per copy (where it came from).
CREATE VIEW v_origins AS
SELECT h.message, h.idx, h.from_ip, h.from_rdns, h.from_host, h.by_host, h.time_text,
	h.notes
FROM hops h WHERE h.origin = 1;
