import { describe, expect, it } from 'vitest';

import { CronConversionError, unixCronToQuartz } from './quartz-cron';

describe('unix cron -> Quartz (Databricks job schedules)', () => {
  it.each([
    ['0 6 * * *', '0 0 6 * * ?'],
    ['*/15 * * * *', '0 */15 * * * ?'],
    ['30 2 1 * *', '0 30 2 1 * ?'],
    ['0 6 * * 1-5', '0 0 6 ? * MON-FRI'],
    ['0 6 * * MON-FRI', '0 0 6 ? * MON-FRI'],
    // Sunday is 0 and 7 in unix cron, 1 in Quartz: written as a name, never as a number
    ['0 6 * * 0', '0 0 6 ? * SUN'],
    ['0 6 * * 7', '0 0 6 ? * SUN'],
    ['0 6 * * 6,0', '0 0 6 ? * SUN,SAT'],
    ['0 6 * * 5-7', '0 0 6 ? * SUN,FRI,SAT'],
    ['0 6 * * */2', '0 0 6 ? * SUN,TUE,THU,SAT'],
    ['0 6 * * 1-5/2', '0 0 6 ? * MON,WED,FRI'],
    ['0 6 * * 1,2,3,5', '0 0 6 ? * MON-WED,FRI'],
    ['0 6 * * 0-6', '0 0 6 ? * SUN-SAT'],
    ['0 0 1 1 *', '0 0 0 1 1 ?'],
    ['0 0 1 jan,jul *', '0 0 0 1 JAN,JUL ?'],
    ['5,35 8-18/2 */3 * *', '0 5,35 8-18/2 */3 * ?'],
    ['  0   6 * *   *  ', '0 0 6 * * ?'],
    ['@daily', '0 0 0 * * ?'],
    ['@hourly', '0 0 * * * ?'],
    ['@weekly', '0 0 0 ? * SUN'],
    ['@monthly', '0 0 0 1 * ?'],
    ['@yearly', '0 0 0 1 1 ?'],
  ])('%s -> %s', (cron, quartz) => {
    expect(unixCronToQuartz(cron)).toBe(quartz);
  });

  it.each([
    ['0 6 1 * 1', /both the day of month and the day of week/],
    ['0 6 * *', /five cron fields.*has 4/],
    ['0 0 6 * * ?', /has 6/],
    ['60 * * * *', /minute field has 60; it must be between 0 and 59/],
    ['0 24 * * *', /hour field has 24/],
    ['0 0 0 * *', /day of month field has 0/],
    ['0 0 * 13 *', /month field has 13/],
    ['0 0 * * 8', /day of week field has 8/],
    ['0 0 L * *', /not 5-field unix cron/],
    ['0 0 ? * 1', /not 5-field unix cron/],
    ['0 0 * * 1#2', /not 5-field unix cron/],
    ['*/0 * * * *', /step "\/0"/],
    ['0 0 * * 5-1', /runs backwards/],
    ['0 0 * * FUNDAY', /not a number or a name/],
    ['@reboot', /cannot run as a Databricks schedule/],
    ['', /five cron fields/],
  ])('refuses %j', (cron, message) => {
    expect(() => unixCronToQuartz(cron)).toThrow(CronConversionError);
    expect(() => unixCronToQuartz(cron)).toThrow(message);
  });
});
