// 系统管理: users and their roles, projects (管理处), the audit log and the user's own API tokens.
import { User, Document, OfficeBuilding, Key } from '@element-plus/icons-vue'

export default {
  name: 'admin',
  routes: [
    { path: 'users', name: 'users', component: () => import('./UsersView.vue'), meta: { title: '用户管理', perm: 'users.read' } },
    { path: 'projects', name: 'projects', component: () => import('./ProjectsView.vue'), meta: { title: '管理处', perm: 'projects.read' } },
    { path: 'audit', name: 'audit', component: () => import('./AuditView.vue'), meta: { title: '审计日志', perm: 'audit.read' } },
    { path: 'tokens', name: 'tokens', component: () => import('./TokensView.vue'), meta: { title: 'API 令牌' } },
  ],
  menu: [
    { group: 'system', order: 10, path: '/users', title: '用户管理', icon: User, perm: 'users.read' },
    { group: 'system', order: 20, path: '/audit', title: '审计日志', icon: Document, perm: 'audit.read' },
    { group: 'system', order: 30, path: '/projects', title: '管理处', icon: OfficeBuilding, perm: 'projects.read' },
  ],
  widgets: [
    { kind: 'shortcut', order: 80, path: '/users', title: '用户管理', icon: User, perm: 'users.read' },
    { kind: 'shortcut', order: 90, path: '/audit', title: '审计日志', icon: Document, perm: 'audit.read' },
    { kind: 'shortcut', order: 100, path: '/projects', title: '管理处', icon: OfficeBuilding, perm: 'projects.read' },
    // scripts are for those who run the office's systems; everyone still has it in the personal menu
    { kind: 'shortcut', order: 110, path: '/tokens', title: 'API 令牌', icon: Key, perm: 'users.manage' },
  ],
}
