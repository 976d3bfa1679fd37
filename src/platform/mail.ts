/** A run's summary by e-mail to the add-on's owner (send-only scope; see README). */

export function sendRunSummary(to: string, subject: string, body: string): boolean {
  if (!/^[^@\s]+@[^@\s]+$/.test(to)) return false;
  if (MailApp.getRemainingDailyQuota() < 1) return false;
  MailApp.sendEmail(to, subject, body);
  return true;
}
