export { WeChatHealthIndicator } from './wechat-health.indicator.js';
