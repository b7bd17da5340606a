/** The interface's words. zh-CN is the reference: English must have every key it has. */
export const zhCN = {
  appName: '台账通',
  appTagline: '政务服务台账填报与统计',
  'signIn.title': '登录',
  'signIn.username': '用户名',
  'signIn.password': '密码',
  'signIn.submit': '登录',
  'signIn.submitting': '正在登录…',
  'signIn.required': '请输入用户名和密码',
  'signIn.networkError': '无法连接服务器，请检查网络后重试',
  'shell.signOut': '退出登录',
  'shell.unit': '所属单位',
  'shell.allUnits': '全部单位',
  'shell.language': 'English',
  'ledgers.title': '本单位台账',
  'ledgers.empty': '暂无台账。管理员发布台账定义后，分配给本单位的台账会显示在这里。',
  'common.loading': '加载中…',
  'common.error': '出错了：',
} as const;

export type MessageKey = keyof typeof zhCN;

export const en: Record<MessageKey, string> = {
  appName: 'Taizhang',
  appTagline: 'Ledgers and statistics for government services',
  'signIn.title': 'Sign in',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.required': 'Please enter your username and password',
  'signIn.networkError': 'Cannot reach the server; check the network and try again',
  'shell.signOut': 'Sign out',
  'shell.unit': 'Unit',
  'shell.allUnits': 'All units',
  'shell.language': '中文',
  'ledgers.title': "My unit's ledgers",
  'ledgers.empty': 'No ledgers yet. Ledgers assigned to your unit appear here once an admin publishes them.',
  'common.loading': 'Loading…',
  'common.error': 'Error: ',
};
