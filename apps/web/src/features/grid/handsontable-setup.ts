import { registerAllModules } from 'handsontable/registry';
import { registerLanguageDictionary, zhCN } from 'handsontable/i18n';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';

/** Handsontable's modules and its Chinese menus, registered once for the app. */
registerAllModules();
registerLanguageDictionary(zhCN);

export const HOT_LICENSE = 'non-commercial-and-evaluation';
export const HOT_THEME = 'ht-theme-main';
export { textOnly as HOT_SANITIZER } from './html-text';
