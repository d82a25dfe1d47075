#include "status.h"

volatile sig_atomic_t wb_interrupted;

const char *
wb_status_str (wb_status_t status)
{
	static const char *const text[WB_STATUS_LAST] = {
		[WB_OK] = "success",
		[WB_ERR_USAGE] = "invalid arguments",
		[WB_ERR_IO] = "input/output error",
		[WB_ERR_NOMEM] = "out of memory",
		[WB_ERR_DB] = "database error",
		[WB_ERR_READONLY] = "case file is read-only",
		[WB_ERR_BUSY] = "case file is in use",
		[WB_ERR_NOT_CASE] = "not a workbench case file",
		[WB_ERR_VERSION] = "case file is from a newer workbench",
		[WB_ERR_OLD_SCHEMA] = "case file is from an older workbench and must be upgraded",
		[WB_ERR_EXISTS] = "already exists",
		[WB_ERR_NOT_FOUND] = "not found",
		[WB_ERR_FORMAT] = "malformed input",
		[WB_ERR_LIMIT] = "limit exceeded",
		[WB_ERR_INTERRUPTED] = "interrupted",
		[WB_ERR_OVERFLOW] = "amount overflows",
		[WB_ERR_INTEGRITY] = "evidence does not match its hash",
	};
	if ((unsigned) status >= WB_STATUS_LAST || !text[status])
		return "unknown status";
	return text[status];
}
