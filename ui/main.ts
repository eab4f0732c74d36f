/** The status page's browser entry point, bundled by build.ts (runtime/web/statusPage/uiBuild.ts). */
import './styles.css';
import { StatusApp } from './app';

new StatusApp().start();
