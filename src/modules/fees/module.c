/*
** module.c — the fees module's descriptor (收费管理: fee items, bill runs, counter payments,
** receipts, refunds, arrears; SPEC F1–F8). So far: fee items with a unit's own terms
** (fees_items.c, fees_overrides.c), the bill run and its command `kefu bill-run` (fees_run.c,
** fees_run_http.c), the bills (fees_bills.c), meters and their readings (fees_meters.c,
** fees_readings.c, fees_readings_import.c), on the exact arithmetic of fees_calc.h.
*/
#include "fees_app.h"
#include "fees_meters.h"
#include "http/module.h"

static const perm_def fees_perms[] = {
    {"fees.read",    ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD | ROLE_CASHIER, "查看收费"},
    {"fees.write",   ROLE_MGMT, "收费设置"},
    {"fees.collect", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_CASHIER, "收款"},
    {"fees.approve", ROLE_MGMT, "审批退费减免"},
    {"fees.meter",   ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "抄表"},
    {NULL, 0, NULL},
};

/* The words of the fees' audit rows. */
static const audit_words fees_words = {
    .entities = (const code_label[]){
        {"fee_item", "收费项目"}, {"fee_unit_override", "收费项目单独设置"}, {"bill_run", "生成账单"},
        {"meter", "表计"}, {"meter_reading", "抄表读数"}, {NULL, NULL}},
    .actions = (const code_label[]){
        {"run", "生成"}, {"import_readings", "导入抄表读数"}, {"recompute", "重算用量"}, {NULL, NULL}},
    .fields = (const code_label[]){
        {"code", "项目编码"}, {"name", "项目名称"}, {"rule", "计费方式"}, {"price", "单价（万分之一元）"},
        {"fixed", "固定金额（万分之一元）"}, {"unit_name", "计量单位"}, {"cycle", "计费周期"}, {"prepaid", "预收"},
        {"due_day", "缴费日"}, {"round_mode", "取整方式"}, {"round_unit", "取整到"}, {"late_rate", "滞纳金日费率（万分之）"},
        {"late_grace", "滞纳金宽限天数"}, {"late_cap", "滞纳金上限（分）"}, {"applies", "收费范围"},
        {"targets", "收费范围明细"}, {"bill_unhanded", "未交房也收费"}, {"active", "启用"}, {"note", "说明"},
        {"discount_percent", "收取比例（%）"}, {"exempt", "免收"}, {"vacancy_percent", "空置时收取比例（%）"},
        {"start_date", "起收日期"}, {"quantity", "数量（百分之一）"}, {"reason", "原因"}, {"item_id", "收费项目编号"},
        {"unit_id", "房屋编号"}, {"period", "账期"}, {"bills", "账单数"}, {"amount", "金额（分）"},
        {"skipped", "跳过户次"}, {"source", "来源"},
        /* meters and readings */
        {"meter.kind", "表类"}, {"number", "表号"}, {"measure", "计量单位"}, {"decimals", "读数小数位"},
        {"multiplier", "倍率"}, {"loss", "损耗"}, {"maximum", "最大读数"}, {"start_reading", "起始读数"},
        {"installed_at", "安装日期"}, {"meter_id", "表计编号"}, {"meter_reading.period", "月份"},
        {"reading", "本期读数"}, {"previous", "上期读数"}, {"usage", "用量"}, {"explanation", "计算说明"},
        {"replaced", "换表"}, {"old_final", "旧表止码"}, {"new_start", "新表起码"}, {"read_at", "抄表日期"},
        {"meter_reading.note", "备注"}, {"meters", "表数"}, {"readings", "读数条数"}, {NULL, NULL}},
    .values = (const audit_codes[]){
        {"rule", FEE_RULES}, {"cycle", FEE_CYCLES}, {"applies", FEE_APPLIES}, {"round_mode", FEE_ROUND_MODES},
        {"round_unit", FEE_ROUND_UNITS}, {"kind", METER_KINDS}, {NULL, NULL}},
};

static const module_cmd fees_cmds[] = {
    {"bill-run", "kefu bill-run --project ID --period 2026-12 [--item ID] [--preview] [--db PATH]",
     "生成一个管理处某月的账单（已有的不重复生成）；--preview 只预览不保存",
     (const module_cmd_opt[]){{"project", "ID", "管理处编号"}, {"period", "YYYY-MM", "账期（月份），如 2026-12"},
                              {"item", "ID", "只生成这一个收费项目的账单（如月中新增的项目）"},
                              {"preview", NULL, "只预览：各收费项目的合计与跳过的房屋，不保存"}, {NULL, NULL, NULL}},
     fees_cli_bill_run},
    {NULL, NULL, NULL, NULL, NULL},
};

/* The demo: the meters of one building with last month's readings, then the fee items and last
** month's bills. */
static kerr fees_demo_all(db *d, int64_t now) {
    kerr e = fees_meters_demo(d, now);
    return e ? e : fees_demo(d, now);
}

const kmodule fees_module = {
    .name = "fees", .label = "收费管理", .order = 50,
    .routes = (const route *const[]){fee_items_routes, bill_run_routes, bills_routes, fees_meters_routes, NULL},
    .perms = fees_perms,
    .demo = fees_demo_all,
    .audit = &fees_words,
    .cmds = fees_cmds,
};
