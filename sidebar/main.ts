import { SidebarApp } from './app';

const root = document.getElementById('app');
if (root) void new SidebarApp(root).start();
