import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/global.css';
import './ui/test-hooks';

mount(App, { target: document.getElementById('app') as HTMLElement });
