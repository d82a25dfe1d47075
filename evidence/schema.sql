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
-- ===================================================================

-- ===================================================================
-- Statutes, findings, incidents (workbench/damages*.c)
-- ===================================================================

-- ===================================================================
-- Attribution (workbench/attrib*.c): parties, links
-- ===================================================================

-- ===================================================================
-- Views for analysts (the shell documents them)
-- ===================================================================
