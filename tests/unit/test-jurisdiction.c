/* Long-arm files: the built-in set, and validation messages naming the
 * file, the group and the key. */
#include <criterion/criterion.h>
#include <string.h>
#include "jurisdiction.h"
#include "ini-edit.h"

static const char *good =
	"[longarm]\nid=xx-1\nforum=CT\ncitation=X § 1\ntext=who in person:\n"
	"[provision a1]\nlabel=(a)(1)\ntext=transacts business\ncheck=analyst\nanalyst=sales\n"
	"[provision a5]\nlabel=(a)(5)\ntext=uses a computer\ncheck=provider_in_state; hop_in_state\n";

INI_PARSE_ERR (wb_longarm_parse, wb_longarm_t)

static void
assert_err (const char *from, const char *to, const char *want)
{
	char *text = ini_edit (good, from, to);
	char *err = parse_err (text);
	cr_assert_str_eq (err, want);
	g_free (err);
	g_free (text);
}

Test (longarm, parses)
{
	wb_longarm_t *la = NULL;
	char *err = NULL;
	cr_assert_eq (wb_longarm_parse ("x.ini", good, strlen (good), &la, &err), WB_OK);
	cr_assert_str_eq (la->forum, "CT");
	cr_assert_eq (la->provisions->len, 2);
	wb_longarm_provision_t *a1 = la->provisions->pdata[0], *a5 = la->provisions->pdata[1];
	cr_assert_eq (a1->contacts, 0);
	cr_assert_str_eq (a1->analyst, "sales");
	cr_assert_eq (a5->contacts, (1u << WB_CONTACT_PROVIDER) | (1u << WB_CONTACT_HOP));
	wb_longarm_free (la);
}

Test (longarm, errors_name_file_group_key)
{
	assert_err ("check=provider_in_state; hop_in_state", "check=provider_in_state;mx",
		    "x.ini: [provision a5] check: 'mx' is not analyst or a contact (recipient_resident,"
		    " provider_in_state, hop_in_state, hop_claimed_in_state)");
	assert_err ("analyst=sales\n", "",
		    "x.ini: [provision a1] analyst: missing (check=analyst says an analyst must show"
		    " something: say what)");
	assert_err ("forum=CT", "forum=Conn", "x.ini: [longarm] forum: 'Conn' is not a two-letter state in capitals");
	assert_err ("citation=X § 1\n", "", "x.ini: [longarm] citation: missing");
	assert_err ("label=(a)(5)\n", "", "x.ini: [provision a5] label: missing");
	assert_err ("[provision a1]", "[provisions a1]", "x.ini: [provisions a1]: not longarm or 'provision ID'");
}

/* The built-in Connecticut file: § 52-59b(a)'s five acts in the statute's
 * order; (a)(5) counts copies through equipment in the state, never a hop
 * the sender may have written; (a)(3) counts copies to residents and says
 * what an analyst must show (revenue). */
Test (longarm, builtin_connecticut)
{
	GPtrArray *set = NULL;
	char *err = NULL;
	cr_assert_eq (wb_longarms_builtin (&set, &err), WB_OK, "%s", err ? err : "");
	wb_longarm_t *ct = NULL;
	for (guint i = 0; i < set->len; i++)
		if (strcmp (((wb_longarm_t *) set->pdata[i])->forum, "CT") == 0)
			ct = set->pdata[i];
	cr_assert_not_null (ct);
	cr_assert_str_eq (ct->id, "ct-52-59b");
	const char *labels[] = { "(a)(1)", "(a)(2)", "(a)(3)", "(a)(4)", "(a)(5)" };
	cr_assert_eq (ct->provisions->len, 5);
	for (int i = 0; i < 5; i++)
		cr_assert_str_eq (((wb_longarm_provision_t *) ct->provisions->pdata[i])->label, labels[i]);
	wb_longarm_provision_t *a3 = ct->provisions->pdata[2], *a5 = ct->provisions->pdata[4];
	cr_assert_eq (a5->contacts, (1u << WB_CONTACT_PROVIDER) | (1u << WB_CONTACT_HOP));
	cr_assert (strstr (a5->text, "uses a computer"));
	cr_assert_eq (a3->contacts, 1u << WB_CONTACT_RESIDENT);
	cr_assert (strstr (a3->analyst, "revenue"));
	g_ptr_array_unref (set);
}
