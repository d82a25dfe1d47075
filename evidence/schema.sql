-- The case file: one SQLite database per case.
--
-- Schema version 1.  The version is PRAGMA user_version; evidence/case.c
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
-- created_by, tool_version.
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
	size INTEGER,                    -- bytes after decompression (NULL if unreadable)
	sha256 TEXT,                     -- of those bytes (NULL if unreadable)
	format TEXT NOT NULL,            -- tar, zip, 7z, cpio, gzip, mbox, mboxcl, message, maildir, text, binary, ...
	filters TEXT,                    -- compression filters, outermost first (gzip, xz, ...)
	role TEXT NOT NULL,              -- container, mailbox, message, not-mail, flagged, skipped
	reason TEXT,                     -- why not-mail, flagged or skipped
	messages INTEGER NOT NULL DEFAULT 0,  -- copies found directly in it
	complete INTEGER NOT NULL DEFAULT 0,  -- top level only: fully ingested (resume skips it)
	ingested_at TEXT NOT NULL
);
CREATE INDEX sources_sha ON sources(sha256);
CREATE INDEX sources_parent ON sources(parent_id);

-- The exact bytes of every distinct message, once.
CREATE TABLE raw (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,
	size INTEGER NOT NULL,
	bytes BLOB NOT NULL
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

-- One row per delivered copy: identity is (sha256, trap_id).  trap_id 0 means
-- no trap account matched; such copies are kept and listed.
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
	body_text TEXT,                  -- displayed text (analysis stage)
	category TEXT,                   -- content category (analysis stage)
	fingerprint INTEGER,             -- 64-bit near-duplicate simhash (analysis stage)
	campaign INTEGER,                -- near-duplicate group number (analysis stage)
	UNIQUE (sha256, trap_id)
);
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
	UNIQUE (message, source_id, offset)
);
CREATE INDEX locations_source ON locations(source_id);

-- ===================================================================
-- Analysis (evidence/analyze*.c): hops, artifacts, facts, attachments
-- Rows for a copy are replaced whole when it is analysed again.
-- ===================================================================

-- The Received chain, topmost first (idx 0 = added last, by the provider).
CREATE TABLE hops (
	message INTEGER NOT NULL REFERENCES messages(id),
	idx INTEGER NOT NULL,
	raw TEXT NOT NULL,               -- the header as written, unfolded
	from_host TEXT,                  -- name the sender claimed (HELO)
	from_rdns TEXT,                  -- reverse-DNS name in the parentheses
	from_ip TEXT,
	by_host TEXT,
	protocol TEXT,                   -- with ...
	smtp_id TEXT,                    -- id ...
	for_addr TEXT,                   -- for <...>
	time_text TEXT,
	time_epoch INTEGER,
	time_status TEXT NOT NULL,       -- ok, absent, invalid, no-zone
	trusted INTEGER NOT NULL DEFAULT 0,   -- added by the trap's own provider
	origin INTEGER NOT NULL DEFAULT 0,    -- the first hop outside the provider
	notes TEXT,                      -- '; '-separated inconsistencies found
	PRIMARY KEY (message, idx)
) WITHOUT ROWID;

-- Contact data extracted from a copy.  kind is one of: email, phone, url,
-- domain, postal, ip, affiliate_id.  value is normalized: email lower case;
-- phone E.164 (+18005551234); url as found, with scheme and host lower case;
-- domain the registrable domain (libpsl); postal "123 MAIN ST STE 4, SPRINGFIELD,
-- IL 62701" (USPS abbreviations, upper case, ZIP5); ip as written;
-- affiliate_id "DOMAIN KEY=VALUE" (registrable domain of the link, parameter
-- name lower case, value as found).
CREATE TABLE artifacts (
	id INTEGER PRIMARY KEY,
	message INTEGER NOT NULL REFERENCES messages(id),
	kind TEXT NOT NULL,
	raw TEXT NOT NULL,               -- as it stood in the message
	value TEXT NOT NULL,             -- normalized
	location TEXT NOT NULL           -- header:From, header:Reply-To, body:text, body:href, body:src, hop:0, ...
);
CREATE INDEX artifacts_message ON artifacts(message);
CREATE INDEX artifacts_value ON artifacts(kind, value);

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
CREATE TABLE facts (
	message INTEGER NOT NULL REFERENCES messages(id),
	name TEXT NOT NULL,
	value TEXT NOT NULL,
	confidence TEXT NOT NULL DEFAULT 'certain',
	evidence TEXT,
	PRIMARY KEY (message, name)
) WITHOUT ROWID;

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
CREATE TABLE findings (
	id INTEGER PRIMARY KEY,
	message INTEGER NOT NULL REFERENCES messages(id),
	statute TEXT NOT NULL,           -- statute id or '*'
	provision TEXT NOT NULL,         -- provision id, '*' or 'commercial'
	finding TEXT NOT NULL CHECK (finding IN ('violation', 'no-violation')),
	source TEXT NOT NULL CHECK (source IN ('rule', 'analyst')),
	confidence TEXT NOT NULL DEFAULT 'certain' CHECK (confidence IN ('certain', 'indicator')),
	evidence TEXT,                   -- rule: the facts and their evidence; analyst: the input line
	note TEXT,                       -- analyst's note
	run INTEGER NOT NULL,            -- custody run that wrote it
	at TEXT NOT NULL
);
-- One analyst finding per copy, statute and provision (a later one replaces
-- it); rule rows, millions in a large case, carry only the message index.
CREATE UNIQUE INDEX findings_analyst ON findings(message, statute, provision) WHERE source = 'analyst';
CREATE INDEX findings_message ON findings(message);

-- Incidents (the message groups of per-incident caps) are not stored: they
-- depend on the --incident definition counsel choose, so damages computes
-- them on each run from messages.campaign and messages.local_day, and the
-- exhibits list them (wb_damages_t.incidents).

-- What damages reads of every copy, without the rows' bodies.
CREATE INDEX messages_damages ON messages(trap_id, local_day, campaign);

-- ===================================================================
-- Attribution (workbench/attrib*.c): parties, links
-- ===================================================================

-- ===================================================================
-- Views for analysts (the shell documents them)
-- ===================================================================
