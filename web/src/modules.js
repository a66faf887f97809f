// The module kit's assembly point. Every folder web/src/modules/NAME/ with an index.js exporting
// { name, routes, menu, widgets } (and optionally groups) is picked up here at build time; the
// router, the side menu and the home page read what they show from these lists, so adding a
// module folder adds its screens without editing them.
//
//   routes  — vue-router records, children of the main layout (meta.title, meta.perm,
//             meta.roles, meta.parent as before); views stay lazy: component: () => import(…)
//   menu    — { group, order, path, title, icon, perm, roles, test, hint }: an entry of the
//             side menu's group `group`, placed by `order`
//   widgets — home-page entries, each with its rule (perm, roles):
//             { kind: 'shortcut', order, path, title, icon }      常用功能
//             { kind: 'todo' | 'late', order, label, path, query, to }  我的待办 / 超时提醒 counts
//             (path and query name the list counted; a query value may be a function)
//             { kind: 'queue', order, key, component }  a queue on top of the 工作台: the
//             component (kit/QueueCard.vue, kit/usePoll.js) lists and acts, emits `changed`
//   groups  — menu groups of the module's own: { key, title, order }
//   tagline — what the module does in a few words, for the login page's line of what the system
//             offers: { order, text } (so it names only modules that exist)
//   actions — global actions the layout offers everywhere, each with its rule (perm, roles):
//             { key, title, short, icon, test, component, run, busy } — a header button
//             (data-test `test`; `short` on phones), the key that takes it from anywhere (even
//             while typing), `component` mounted once in the layout (the action's dialog),
//             run() takes it, busy() says it is under way (the key then does nothing)
//   unit    — what the module shows on a unit's page (the counter's hub, SPEC A8), each with its
//             rule (perm, roles) and `order`:
//             { kind: 'card', key, title, order, component, column: 'main'|'side', props }
//               a card of the 概览 tab (main column, or the side column for histories)
//             { kind: 'tab', key, title, order, component, props, count }  a tab after 概览
//             { kind: 'action', key, title, order, type, test, run }  a button in the header
//             component takes `unit` (the GET /units/{id} record; or props(unit) when given),
//             may emit changed (the page reloads the unit); count(unit) a number on the tab;
//             run({ unit, person }) takes the action (person: the one picked on the page)
import { allowed } from './kit/roles'

const found = import.meta.glob('./modules/*/index.js', { eager: true })

/** The modules, in the order of their folder names. */
export const modules = Object.keys(found).sort().map((k) => found[k].default)

/** The side menu's groups: these, and those a module brings. */
const GROUPS = [
  { key: 'tickets', title: '服务登记', order: 10 },
  { key: 'complaints', title: '投诉与拜访', order: 20 },
  { key: 'archive', title: '业主档案', order: 30 },
  { key: 'system', title: '系统管理', order: 40 },
]

const byOrder = (a, b) => (a.order ?? 0) - (b.order ?? 0)

/** What the system does, as the login page says it: each module's `tagline` ({ order, text }). */
export const taglines = modules.map((m) => m.tagline).filter(Boolean).sort(byOrder).map((t) => t.text)

/** Every module's routes (children of the main layout). */
export const moduleRoutes = modules.flatMap((m) => m.routes || [])

/** Every module's global actions (the layout's header buttons and keys). */
export const globalActions = modules.flatMap((m) => m.actions || [])

/** The menu as groups of entries, in order: [{key, title, children: [...]}]. */
export const menuGroups = (() => {
  const groups = [...GROUPS]
  for (const m of modules) {
    for (const g of m.groups || []) if (!groups.some((x) => x.key === g.key)) groups.push(g)
  }
  const entries = modules.flatMap((m) => m.menu || [])
  return groups.sort(byOrder)
    .map((g) => ({ key: g.key, title: g.title, children: entries.filter((e) => e.group === g.key).sort(byOrder) }))
    .filter((g) => g.children.length)
})()

/** The home page's widgets of one kind that the user may see now, in order. */
export function widgets(kind) {
  return modules.flatMap((m) => m.widgets || []).filter((w) => w.kind === kind && allowed(w)).sort(byOrder)
}

/** The unit page's parts of one kind ('card', 'tab', 'action') that the user may see now, in order. */
export function unitParts(kind) {
  return modules.flatMap((m) => m.unit || []).filter((p) => p.kind === kind && allowed(p)).sort(byOrder)
}
