// 业主档案: units (房屋), people (人员), vehicles, buildings, the archive's completeness and the
// spreadsheet import.
import { House, Avatar, Van, School, PieChart, Upload } from '@element-plus/icons-vue'

export default {
  name: 'archive',
  tagline: { order: 40, text: '业主档案' },
  routes: [
    { path: 'units', name: 'units', component: () => import('./UnitsView.vue'), meta: { title: '房屋', perm: 'archive.read' } },
    { path: 'units/:id(\\d+)', name: 'unit', component: () => import('./UnitView.vue'), meta: { title: '房屋详情', perm: 'archive.read', parent: 'units' } },
    { path: 'people', name: 'people', component: () => import('./PeopleView.vue'), meta: { title: '人员', perm: 'archive.read' } },
    { path: 'people/:id(\\d+)', name: 'person', component: () => import('./PersonView.vue'), meta: { title: '人员详情', perm: 'archive.read', parent: 'people' } },
    { path: 'vehicles', name: 'vehicles', component: () => import('./VehiclesView.vue'), meta: { title: '车辆', perm: 'archive.read' } },
    { path: 'buildings', name: 'buildings', component: () => import('./BuildingsView.vue'), meta: { title: '楼栋', perm: 'archive.read' } },
    { path: 'archive/import', name: 'import', component: () => import('./ImportView.vue'), meta: { title: '批量导入', perm: 'archive.write' } },
    { path: 'archive/completeness', name: 'completeness', component: () => import('./CompletenessView.vue'), meta: { title: '建档率', perm: 'archive.read' } },
  ],
  menu: [
    { group: 'archive', order: 10, path: '/units', title: '房屋', icon: House, perm: 'archive.read' },
    { group: 'archive', order: 20, path: '/people', title: '人员', icon: Avatar, perm: 'archive.read' },
    { group: 'archive', order: 30, path: '/vehicles', title: '车辆', icon: Van, perm: 'archive.read' },
    { group: 'archive', order: 40, path: '/buildings', title: '楼栋', icon: School, perm: 'archive.read' },
    { group: 'archive', order: 50, path: '/archive/completeness', title: '建档率', icon: PieChart, perm: 'archive.read' },
    { group: 'archive', order: 60, path: '/archive/import', title: '批量导入', icon: Upload, perm: 'archive.write' },
  ],
  widgets: [
    { kind: 'shortcut', order: 50, path: '/units', title: '房屋', icon: House, perm: 'archive.read' },
    { kind: 'shortcut', order: 60, path: '/people', title: '人员', icon: Avatar, perm: 'archive.read' },
    { kind: 'shortcut', order: 70, path: '/archive/completeness', title: '建档率', icon: PieChart, perm: 'archive.read' },
  ],
}
