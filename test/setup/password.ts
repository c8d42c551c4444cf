/** The password every test account uses: long enough for the policy, not a common one. */
export const PASSWORD = 'correct horse battery staple';
