// 收费管理 — so far 抄表: the meter reader's phone walk through a building and the month's
// readings on a desk screen with the xlsx/csv import (issue 21 point 2).
import { Iphone, Odometer } from '@element-plus/icons-vue'

export default {
  name: 'fees',
  groups: [{ key: 'fees', title: '收费管理', order: 25 }],
  routes: [
    { path: 'fees/readings', name: 'fee-readings', component: () => import('./ReadingsView.vue'), meta: { title: '抄表读数', perm: 'fees.read' } },
    { path: 'm/readings', name: 'm-readings', component: () => import('./MobileReadingsView.vue'), meta: { title: '抄表', perm: 'fees.meter' } },
  ],
  menu: [
    { group: 'fees', order: 10, path: '/m/readings', title: '抄表', icon: Iphone, perm: 'fees.meter', test: 'menu-m-readings' },
    { group: 'fees', order: 20, path: '/fees/readings', title: '抄表读数', icon: Odometer, perm: 'fees.read', test: 'menu-readings' },
  ],
  widgets: [],
}
