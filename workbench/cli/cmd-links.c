#include <getopt.h>
#include "attrib-cmd.h"

static const char *const strengths[] = { "none", "weak", "moderate", "strong", NULL };

const wb_option_t wb_options_links[] = {
	WB_STRING ('p', "party", "NAME", "Only the links of this party (its name, as parties "
		   "lists it)"),
	WB_ENUM ('m', "min", strengths, "Only links at least this strong (strength grows with "
		 "the weight of the contact data two parties share)"),
	WB_FORMAT (wb_formats_text_csv_json, WB_FORMAT_HELP_TEXT_CSV_JSON),
	WB_OPTIONS_END
};

/* 'links CASE [--party NAME] [--min STRENGTH]': the links 'link' built,
 * strongest first. */
int
wb_cmd_links (wb_ctx_t *ctx, int argc, char **argv)
{
	const char *format = NULL, *party = NULL, *min = NULL;
	int c;
	while ((c = wb_options_next (argc, argv, wb_options_links)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'p')
			party = optarg;
		else if (c == 'm')
			min = optarg;
		else
			return wb_usage_error ("links", "bad option");
	}
	if (optind < argc)
		return wb_usage_error ("links", "unexpected argument '%s'", argv[optind]);
	int rank = min ? wb_attrib_strength_rank (min) : 0;
	if (rank < 0)
		return wb_usage_error ("links", "--min '%s': give none, weak, moderate or strong", min);
	int64_t pid = 0;
	if (party) {
		wb_status_t s = wb_attrib_find_party (ctx->cs, party, &pid);
		if (s)
			return wb_fail_case (ctx, s);
	}
	wb_mode_t mode;
	if (!wb_ctx_mode (ctx, format, WB_MODE_TEXT, &mode))
		return WB_EXIT_USAGE;
	if (!wb_attrib_require_link (ctx, "links"))
		return WB_EXIT_FAIL;
	sqlite3_stmt *st = wb_case_stmt (ctx->cs,
		"SELECT l.id, pa.name AS a, pb.name AS b, printf('%.2f', l.score) AS score, l.strength,"
		" l.review, l.note, l.summary"
		" FROM links l JOIN parties pa ON pa.id = l.party_a JOIN parties pb ON pb.id = l.party_b"
		" WHERE (?1 = 0 OR l.party_a = ?1 OR l.party_b = ?1)"
		" AND (CASE l.strength WHEN 'strong' THEN 3 WHEN 'moderate' THEN 2 WHEN 'weak' THEN 1"
		"  ELSE 0 END) >= ?2"
		" ORDER BY l.score DESC, l.party_a, l.party_b");
	if (!st)
		return wb_fail_case (ctx, WB_ERR_DB);
	sqlite3_bind_int64 (st, 1, pid);
	sqlite3_bind_int (st, 2, rank);
	int rc = wb_attrib_print (ctx, st, mode, "ittrtttt");
	return wb_finish_output (ctx, rc);
}
