// 业主档案: units (房屋), people (人员), vehicles, buildings, the archive's completeness and the
// spreadsheet import; on the unit page, the people and status cards and the editing tabs.
import { House, Avatar, Van, School, PieChart, Upload } from '@element-plus/icons-vue'
import { defineAsyncComponent } from 'vue'
import { today } from '../../utils/format'
import { isCurrentResident, isActive } from '../../utils/archive'

// the unit page's parts stay lazy, like the views
const lazy = (load) => defineAsyncComponent(load)
const UnitPeopleCard = lazy(() => import('./UnitPeopleCard.vue'))
const UnitStatusCard = lazy(() => import('./UnitStatusCard.vue'))
const UnitInfoTab = lazy(() => import('./UnitInfoTab.vue'))
const UnitResidentsTab = lazy(() => import('./UnitResidentsTab.vue'))
const UnitVehiclesTab = lazy(() => import('./UnitVehiclesTab.vue'))
const UnitPetsTab = lazy(() => import('./UnitPetsTab.vue'))
const UnitStatusHistory = lazy(() => import('./UnitStatusHistory.vue'))
const HistoryTimeline = lazy(() => import('../../kit/HistoryTimeline.vue'))

const READ = { perm: 'archive.read' }
// in a unit's history, `kind`/`name` belong to its pets
const UNIT_HISTORY_NAMES = { kind: '宠物种类', name: '宠物名字' }

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
  unit: [
    { kind: 'card', key: 'people', title: '住户', order: 10, component: UnitPeopleCard, ...READ },
    { kind: 'card', key: 'status', title: '状态记录', order: 90, column: 'side', component: UnitStatusCard, ...READ },
    { kind: 'tab', key: 'info', title: '基本信息', order: 10, component: UnitInfoTab, ...READ },
    { kind: 'tab', key: 'residents', title: '住户', order: 20, component: UnitResidentsTab, ...READ,
      count: (u) => (u.residents || []).filter((r) => isCurrentResident(r, today())).length },
    { kind: 'tab', key: 'vehicles', title: '车辆', order: 30, component: UnitVehiclesTab, ...READ, count: (u) => (u.vehicles || []).filter(isActive).length },
    { kind: 'tab', key: 'pets', title: '宠物', order: 40, component: UnitPetsTab, ...READ, count: (u) => (u.pets || []).filter(isActive).length },
    { kind: 'tab', key: 'status', title: '状态记录', order: 80, component: UnitStatusHistory, ...READ, props: (u) => ({ items: u.status_history || [] }) },
    { kind: 'tab', key: 'history', title: '变更记录', order: 90, component: HistoryTimeline, ...READ,
      props: (u) => ({ items: u.history || [], entity: 'unit', fieldNames: UNIT_HISTORY_NAMES }) },
  ],
}
