/** Products, strategies and goals → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { Goal, Product, Strategy } from '#lib/domain/types';
import type { goalResponse, productResponse, strategyResponse } from '#functions/http/setup-schemas';
import { compact } from '#functions/http/presenters/compact';
import { presentFollowUp } from '#functions/http/presenters/follow-up-presenters';

export function presentProduct(product: Product): z.output<typeof productResponse> {
  return compact({
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.price,
    knowledge_base_ids: product.knowledgeBaseIds ?? [],
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  });
}

export function presentStrategy(strategy: Strategy): z.output<typeof strategyResponse> {
  return compact({
    id: strategy.id,
    name: strategy.name,
    instructions: strategy.instructions,
    tone: strategy.tone,
    follow_up: strategy.followUp ? presentFollowUp(strategy.followUp) : undefined,
    created_at: strategy.createdAt,
    updated_at: strategy.updatedAt,
  });
}

export function presentGoal(goal: Goal): z.output<typeof goalResponse> {
  return {
    id: goal.id,
    name: goal.name,
    description: goal.description,
    goal_url: goal.goalUrl,
    created_at: goal.createdAt,
    updated_at: goal.updatedAt,
  };
}
