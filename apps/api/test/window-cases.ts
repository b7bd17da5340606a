/**
 * A window case of 2023-05-09, done and visited the next day with `visitResult`: a dissatisfied
 * one (一般, 不满意, 非常不满意) makes the rectification the seed's follow-up rule asks for.
 */
export const visitedCase = (caseNo: string, visitResult: string) => ({
  case_no: caseNo,
  accepted_at: '2023-05-09T09:00:00+08:00',
  service_item: '营业执照变更',
  applicant: '李四',
  phone: '13800001111',
  status: '办结',
  completed_at: '2023-05-09T10:00:00+08:00',
  handler: '王五',
  visited_at: '2023-05-10T09:00:00+08:00',
  visit_method: '电话',
  visit_result: visitResult,
});
