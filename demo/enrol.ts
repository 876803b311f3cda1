import { mountOperationPage } from './app/operation-page.ts';

mountOperationPage({ operation: 'REGISTRATION' });
