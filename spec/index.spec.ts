import * as rivet from '../lib';
import * as testing from '../lib/testing';

describe('public surface', () => {
  it('exports exactly the documented runtime names from rivet', () => {
    expect(Object.keys(rivet).sort()).toMatchSnapshot();
  });

  it('exports TestClient from rivetjs/testing', () => {
    expect(Object.keys(testing).sort()).toEqual(['ContractViolationError', 'TestClient', 'TestRequest', 'createContractCheck', 'writeResponseTypes']);
  });
});
