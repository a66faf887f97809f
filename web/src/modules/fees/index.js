// 收费管理: the fee items of a project (收费项目), the month's bill run with its preview
// (生成账单) and the bills with how each amount was computed (账单). The counter, receipts and
// arrears come later on the same module.
import { Coin, Tickets, Money } from '@element-plus/icons-vue'

export default {
  name: 'fees',
  // no tagline yet: the login page names what the system does, and taking payments comes later
  groups: [{ key: 'fees', title: '收费管理', order: 25 }],
  routes: [
    { path: 'fees/items', name: 'fee-items', component: () => import('./FeeItemsView.vue'), meta: { title: '收费项目', perm: 'fees.read' } },
    { path: 'fees/bill-run', name: 'bill-run', component: () => import('./BillRunView.vue'), meta: { title: '生成账单', perm: 'fees.write' } },
    { path: 'fees/bills', name: 'bills', component: () => import('./BillsView.vue'), meta: { title: '账单', perm: 'fees.read' } },
  ],
  menu: [
    { group: 'fees', order: 10, path: '/fees/items', title: '收费项目', icon: Coin, perm: 'fees.read', test: 'menu-fee-items' },
    { group: 'fees', order: 20, path: '/fees/bill-run', title: '生成账单', icon: Money, perm: 'fees.write', test: 'menu-bill-run' },
    { group: 'fees', order: 30, path: '/fees/bills', title: '账单', icon: Tickets, perm: 'fees.read', test: 'menu-bills' },
  ],
  widgets: [],
}
