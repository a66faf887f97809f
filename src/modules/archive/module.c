/*
** module.c — the archive module's descriptor (业主档案: buildings, units, people, vehicles,
** the counter lookup, 建档率, the roster import), its start-up option and background job.
*/
#include "archive.h"
#include "http/module.h"
#include <stdio.h>
#include <string.h>

static const perm_def archive_perms[] = {
    {"archive.read",  ROLE_ALL, "查看业主档案"},
    {"archive.write", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "修改业主档案"},
    {"people.reveal", ROLE_MGMT | ROLE_SUPERVISOR | ROLE_STEWARD, "查看完整证件号和电话"},
    {"people.call",   ROLE_MGMT | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STEWARD, "拨打业主电话（号码不显示）"},
    {NULL, 0, NULL},
};

/* The words of the archive's audit rows: its records, their fields, the roster import. */
static const audit_words archive_words = {
    .entities = (const code_label[]){
        {"archive", "业主档案"}, {"building", "楼栋"}, {"unit", "房屋"}, {"person", "人员"}, {NULL, NULL}},
    .actions = (const code_label[]){
        {"demo_load", "载入演示数据"}, {"import", "导入花名册"}, {"add_resident", "添加住户"},
        {"end_resident", "结束住户关系"}, {"add_vehicle", "添加车辆"}, {"update_vehicle", "修改车辆"},
        {"remove_vehicle", "移除车辆"}, {"add_pet", "添加宠物"}, {"update_pet", "修改宠物"},
        {"remove_pet", "移除宠物"}, {"reveal", "查看完整信息"}, {"call", "拨打电话"}, {NULL, NULL}},
    .fields = (const code_label[]){
        {"buildings", "楼栋数"}, {"units", "房屋数"}, {"people", "人员数"}, {"rows", "行数"},
        {"residents", "住户关系数"}, {"vehicles", "车辆数"}, {"building_id", "楼栋编号"}, {"code", "编号"},
        {"name", "名称"}, {"person.name", "姓名"}, {"entrance", "单元"}, {"room", "房间号"}, {"floor", "楼层"},
        {"floors", "层数"}, {"entrances", "单元数"}, {"kind", "类别"}, {"area_build", "建筑面积"},
        {"area_use", "使用面积"}, {"use", "用途"}, {"structure", "户型结构"}, {"holder", "产权人"},
        {"status", "状态"}, {"status_note", "状态说明"}, {"remark", "备注"}, {"phone", "手机"},
        {"phone2", "备用电话"}, {"id_type", "证件类型"}, {"id_no", "证件号码"},
        {"emergency_name", "应急联系人"}, {"emergency_phone", "应急联系电话"}, {"company", "单位名称"},
        {"business_scope", "经营范围"}, {"business_manager", "经营负责人"},
        {"business_category", "经营类别"}, {"person_id", "人员编号"}, {"person", "人员"},
        {"resident", "住户"}, {"relation", "关系"}, {"since", "起始日期"}, {"until", "结束日期"},
        {"plate", "车牌"}, {"model", "车型"}, {"color", "颜色"}, {"space", "车位"}, {"breed", "品种"},
        {"vaccinated_on", "疫苗接种日期"}, {"reason", "查看原因"}, {"id", "记录编号"}, {"field", "所拨号码"},
        {NULL, NULL}},
    .values = (const audit_codes[]){
        {"field", (const code_label[]){{"phone", "手机"}, {"phone2", "备用电话"}, {NULL, NULL}}}, {NULL, NULL}},
};

/* --lookup memory|db: the counter lookup from memory (default) or from the database. */
static bool archive_start(module_opt_fn opt, char *err, size_t n) {
    const char *lk = opt("lookup");
    if (lk && strcmp(lk, "memory") && strcmp(lk, "db")) {
        snprintf(err, n, "--lookup 应为 memory 或 db");
        return false;
    }
    lookup_memory_enable(!lk || !strcmp(lk, "memory"));
    return true;
}

const kmodule archive_module = {
    .name = "archive", .label = "业主档案", .order = 20,
    .routes = (const route *const[]){buildings_routes, units_routes, people_routes, imports_routes, NULL},
    .perms = archive_perms,
    .demo = archive_demo,
    .start = archive_start,
    .job = lookup_memory_refresh,
    .audit = &archive_words,
};
