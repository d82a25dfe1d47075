#include <getopt.h>
#include <string.h>
#include "wb.h"

/* messages CASE [filters]: one row per copy.  Text mode shows the columns a
 * person scans; CSV and JSON carry every field of the contract in
 * workbench/engine/README.md.  The location shown is where the copy was first found. */

static const char *const CATEGORIES[] = { "adult", "pharmacy", "mortgage", "stocks", "jobs",
					  "419", "phishing", "software", "other", NULL };
static const char *const STATUSES[] = { "ok", "malformed", "unparsed", NULL };

const wb_option_t wb_options_messages[] = {
	WB_STRING ('t', "trap", "ADDR", "Only copies received by this trap (its address, any "
		   "case)"),
	WB_STRING ('f', "from", "TEXT", "Only copies whose From address or name contains TEXT "
		   "(any case)"),
	WB_STRING ('s', "subject", "TEXT", "Only copies whose subject contains TEXT (any case)"),
	WB_STRING ('S', "since", "YYYY-MM-DD", "Only copies received on or after this local day "
		   "(in the trap's time zone)"),
	WB_STRING ('U', "until", "YYYY-MM-DD", "Only copies received on or before this local "
		   "day"),
	{ .kind = WB_OPT_ENUM, .key = 'c', .name = "category", .values = CATEGORIES,
	  .flags = WB_OPT_OPEN,
	  .help = "Only copies analysis put in this category (by the words of "
		  "templates/analysis/categories.ini), or any other category the case holds" },
	WB_ENUM ('h', "has", wb_artifact_kinds, "Only copies in which analysis found contact "
		 "data of this kind"),
	WB_INT ('C', "campaign", "N", "Only copies of campaign N (the number damages and why "
		"give)"),
	{ .kind = WB_OPT_ENUM, .key = 'x', .name = "status", .values = STATUSES,
	  .flags = WB_OPT_OPEN,
	  .help = "Only copies in this state: ok, malformed (kept and parsed with "
		  "warnings; show says which), unparsed (kept as bytes only)" },
	WB_INT ('l', "limit", "N", "At most N copies, the first by id"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

int
wb_cmd_messages (wb_ctx_t *ctx, int argc, char **argv)
{
	/* Each filter adds a condition and binds one value, in order. */
	GString *where = g_string_new ("");
	GPtrArray *binds = g_ptr_array_new ();
	const char *format = NULL;
	gint64 limit = -1;
	int c, rc = WB_EXIT_OK;
#define FILTER(cond) do { g_string_append (where, " AND " cond); g_ptr_array_add (binds, optarg); } while (0)
	while ((c = wb_options_next (argc, argv, wb_options_messages)) != -1) {
		switch (c) {
		case 't':
			if (!wb_check_value (ctx, "trap", optarg, NULL,
					     "SELECT address FROM traps ORDER BY address", TRUE)) {
				rc = WB_EXIT_USAGE;
				goto done;
			}
			FILTER ("t.address = lower(?)");
			break;
		case 'f': FILTER ("(instr(lower(coalesce(m.from_addr, '') || ' ' || coalesce(m.from_name, '')), lower(?)) > 0)"); break;
		case 's': FILTER ("instr(lower(coalesce(m.subject, '')), lower(?)) > 0"); break;
		case 'S':
		case 'U':
			if (!wb_valid_day (optarg)) {
				rc = wb_usage_error ("messages", "--%s '%s' is not a day (YYYY-MM-DD)",
						     c == 'S' ? "since" : "until", optarg);
				goto done;
			}
			if (c == 'S')
				FILTER ("m.local_day >= ?");
			else
				FILTER ("m.local_day <= ?");
			break;
		case 'c':
			/* The categories analysis gives (evidence/schema.sql),
			 * and any other the case holds. */
			if (!wb_check_value (ctx, "category", optarg, CATEGORIES,
					     "SELECT DISTINCT category FROM messages"
					     " WHERE category IS NOT NULL ORDER BY category", FALSE)) {
				rc = WB_EXIT_USAGE;
				goto done;
			}
			FILTER ("m.category = ?");
			break;
		case 'h':
			/* artifact_copies by value rather than the view: the
			 * view would read every copy's items (evidence/schema.sql). */
			FILTER ("m.id IN (SELECT c.message FROM artifact_values v"
				" JOIN artifact_copies c ON c.value = v.id WHERE v.kind = ?)");
			break;
		case 'C': {
			char *end;
			g_ascii_strtoll (optarg, &end, 10);
			if (!*optarg || *end) {
				rc = wb_usage_error ("messages", "--campaign takes a number, not '%s'", optarg);
				goto done;
			}
			FILTER ("m.campaign = CAST(? AS INTEGER)");
			break;
		}
		case 'x':
			if (!wb_check_value (ctx, "status", optarg, STATUSES, NULL, FALSE)) {
				rc = WB_EXIT_USAGE;
				goto done;
			}
			FILTER ("m.status = ?");
			break;
		case 'l': {
			char *end;
			limit = g_ascii_strtoll (optarg, &end, 10);
			if (!*optarg || *end || limit < 0) {
				rc = wb_usage_error ("messages", "--limit takes a count, not '%s'", optarg);
				goto done;
			}
			break;
		}
		case 'F': format = optarg; break;
		default: rc = wb_usage_error ("messages", "bad option"); goto done;
		}
	}
#undef FILTER
	if (optind < argc) {
		rc = wb_usage_error ("messages", "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	wb_mode_t mode = WB_MODE_TEXT;
	if (format && !wb_parse_mode (format, &mode)) {
		rc = WB_EXIT_USAGE;
		goto done;
	}
	if (!format)
		wb_ctx_mode (ctx, NULL, WB_MODE_TEXT, &mode);

	char *sql = g_strdup_printf (
		"SELECT m.id, m.sha256, coalesce(t.address, '') AS trap, m.message_id,"
		" m.from_addr, m.subject, m.date_header, m.received_at, m.received_from,"
		" m.local_day, s.chain, l.offset, l.length, m.status, m.received_from AS dated_by"
		" FROM messages m LEFT JOIN traps t ON t.id = m.trap_id"
		" LEFT JOIN locations l ON l.id = (SELECT min(id) FROM locations WHERE message = m.id)"
		" LEFT JOIN sources s ON s.id = l.source_id"
		" WHERE 1%s ORDER BY m.id LIMIT %" G_GINT64_FORMAT, where->str, limit);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2 (wb_case_db (ctx->cs), sql, -1, &st, NULL) != SQLITE_OK) {
		g_free (sql);
		rc = wb_fail_case (ctx, wb_case_fail_db (ctx->cs, "cannot list messages"));
		goto done;
	}
	g_free (sql);
	for (guint i = 0; i < binds->len; i++)
		sqlite3_bind_text (st, i + 1, g_ptr_array_index (binds, i), -1, SQLITE_STATIC);

	static const struct { const char *name; wb_col_type_t type; gboolean text_mode; } cols[] = {
		{ "id", WB_COL_INT, TRUE }, { "sha256", WB_COL_TEXT, FALSE },
		{ "trap", WB_COL_TEXT, TRUE }, { "message_id", WB_COL_TEXT, FALSE },
		{ "from", WB_COL_TEXT, TRUE }, { "subject", WB_COL_TEXT, TRUE },
		{ "date_header", WB_COL_TEXT, FALSE }, { "received_at", WB_COL_TEXT, FALSE },
		{ "received_from", WB_COL_TEXT, FALSE }, { "local_day", WB_COL_TEXT, TRUE },
		{ "source", WB_COL_TEXT, FALSE }, { "offset", WB_COL_INT, FALSE },
		{ "length", WB_COL_INT, FALSE }, { "status", WB_COL_TEXT, TRUE },
		/* received_from's value under the name that says what it is;
		 * last, so that no column or key moves. */
		{ "dated_by", WB_COL_TEXT, FALSE },
	};
	wb_table_t *t = wb_table_new (ctx->out, mode, ctx->term_width);
	gboolean brief = mode == WB_MODE_TEXT;
	for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
		if (!brief || cols[i].text_mode)
			wb_table_column (t, cols[i].name, cols[i].type);
	int r;
	while ((r = sqlite3_step (st)) == SQLITE_ROW && !wb_interrupted) {
		for (gsize i = 0; i < G_N_ELEMENTS (cols); i++) {
			if (brief && !cols[i].text_mode)
				continue;
			if (sqlite3_column_type (st, i) == SQLITE_NULL)
				wb_table_null (t);
			else if (cols[i].type == WB_COL_INT)
				wb_table_int (t, sqlite3_column_int64 (st, i));
			else
				wb_table_text (t, (const char *) sqlite3_column_text (st, i));
		}
	}
	wb_table_end (t);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		wb_error ("cannot list messages: %s", sqlite3_errmsg (wb_case_db (ctx->cs)));
		rc = WB_EXIT_FAIL;
	} else if (wb_interrupted) {
		wb_error ("interrupted");
		rc = WB_EXIT_FAIL;
	}
	sqlite3_finalize (st);
done:
	g_string_free (where, TRUE);
	g_ptr_array_free (binds, TRUE);
	return rc;
}
