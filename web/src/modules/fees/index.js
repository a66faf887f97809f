// 收费管理: the fee items of a project (收费项目), the month's bill run with its preview
// (生成账单), the bills with how each amount was computed (账单), and 抄表: the meter reader's
// phone walk through a building and the month's readings on a desk screen with the xlsx/csv
// import. The counter, receipts and arrears come later on the same module.
import { Coin, Tickets, Money, Iphone, Odometer } from '@element-plus/icons-vue'

export default {
  name: 'fees',
  // no tagline yet: the login page names what the system does, and taking payments comes later
  groups: [{ key: 'fees', title: '收费管理', order: 25 }],
  routes: [
    { path: 'fees/items', name: 'fee-items', component: () => import('./FeeItemsView.vue'), meta: { title: '收费项目', perm: 'fees.read' } },
    { path: 'fees/bill-run', name: 'bill-run', component: () => import('./BillRunView.vue'), meta: { title: '生成账单', perm: 'fees.write' } },
    { path: 'fees/bills', name: 'bills', component: () => import('./BillsView.vue'), meta: { title: '账单', perm: 'fees.read' } },
    { path: 'fees/readings', name: 'fee-readings', component: () => import('./ReadingsView.vue'), meta: { title: '抄表读数', perm: 'fees.read' } },
    { path: 'm/readings', name: 'm-readings', component: () => import('./MobileReadingsView.vue'), meta: { title: '抄表', perm: 'fees.meter' } },
  ],
  menu: [
    { group: 'fees', order: 10, path: '/fees/items', title: '收费项目', icon: Coin, perm: 'fees.read', test: 'menu-fee-items' },
    { group: 'fees', order: 20, path: '/fees/bill-run', title: '生成账单', icon: Money, perm: 'fees.write', test: 'menu-bill-run' },
    { group: 'fees', order: 30, path: '/fees/bills', title: '账单', icon: Tickets, perm: 'fees.read', test: 'menu-bills' },
    { group: 'fees', order: 40, path: '/m/readings', title: '抄表', icon: Iphone, perm: 'fees.meter', test: 'menu-m-readings' },
    { group: 'fees', order: 50, path: '/fees/readings', title: '抄表读数', icon: Odometer, perm: 'fees.read', test: 'menu-readings' },
  ],
  widgets: [],
}
