import { mountOperationPage } from './app/operation-page.ts';

mountOperationPage({ operation: 'IMAGE_UPDATE' });
